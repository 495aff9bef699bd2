import { ConfigError, ExporterError, StorageError } from '../exit-codes';
import { describeStorageError } from './storage';

export type StorageRole = 'state' | 'output' | 'shipments';

const SETTING: Record<StorageRole, string> = {
	state: '--state (TRACKING_EXPORT_STATE)',
	output: '--output (TRACKING_EXPORT_OUTPUT)',
	shipments: '--shipments (TRACKING_EXPORT_SHIPMENTS)',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);
const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AllAccessDisabled', 'ExpiredToken', 'InvalidToken']);
const LOCAL_DENIED = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR']);

interface RootCause {
	name?: string;
	code?: string;
	Code?: string;
	message?: string;
	$metadata?: { httpStatusCode?: number };
}

/** Runs one storage step; a failure becomes an error that says what to set. */
export async function checked<T>(role: StorageRole, where: string, endpoint: string, step: () => Promise<T>): Promise<T> {
	try {
		return await step();
	} catch (error) {
		throw storageProblem(error, role, where, endpoint);
	}
}

/** Exit 2 for what settings fix (credentials, bucket, path), 1 for what may pass (network). */
export function storageProblem(error: unknown, role: StorageRole, where: string, endpoint: string): ExporterError {
	if (error instanceof ExporterError && !(error instanceof StorageError)) return error;
	const root = (error instanceof StorageError && error.cause ? error.cause : error) as RootCause;
	const s3 = endpoint ? `the S3 endpoint ${endpoint}` : 'AWS S3';
	const fix = settingsFix(root, role, where, s3);
	if (fix) return new ConfigError(`${fix} Nothing was queried.`, { cause: error });
	const name = root?.Code ?? root?.name ?? '';
	const code = root?.code ?? '';
	if (NETWORK_CODES.has(code) || name === 'TimeoutError') {
		return new StorageError(
			`Could not reach ${s3} for ${where} (${code || name}): check --s3-endpoint (TRACKING_EXPORT_S3_ENDPOINT) and the network. Nothing was queried.`,
			{ cause: error },
		);
	}
	return new StorageError(`Could not use ${where}: ${describeStorageError(root)}. Nothing was queried.`, { cause: error });
}

/** What to change when the settings are the cause (credentials, bucket, access, a local path). */
function settingsFix(root: RootCause, role: StorageRole, where: string, s3: string): string | undefined {
	const name = root?.Code ?? root?.name ?? '';
	const code = root?.code ?? '';
	if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(root?.message ?? '')) {
		return (
			`No S3 credentials to reach ${where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), ` +
			'or s3.accessKeyId and s3.secretAccessKey in the config file.'
		);
	}
	if (name === 'NoSuchBucket') {
		const bucket = /^s3:\/\/([^/]+)/.exec(where)?.[1] ?? where;
		return `The bucket "${bucket}" does not exist at ${s3}: create it, or fix ${SETTING[role]} (or --s3-endpoint).`;
	}
	if (DENIED.has(name) || root?.$metadata?.httpStatusCode === 403) {
		return (
			`${s3} refused access to ${where} (${name || 'HTTP 403'}): check the S3 credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY ` +
			`or the config file) and that they may read and write there, or fix ${SETTING[role]}.`
		);
	}
	if (LOCAL_DENIED.has(code)) return `Cannot write ${where} (${code}): give a writable place with ${SETTING[role]}.`;
	return undefined;
}
