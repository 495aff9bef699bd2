import { AbortMultipartUploadCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { ConfigError, ExporterError, StorageError } from '../exit-codes';
import type { RunLayout } from '../emit/object-layout';
import type { Journal } from '../state/journal';
import type { StateStore } from '../state/state-store';
import { describeStorageError, formatLocation, type Storage } from '../storage/storage';

/**
 * Before the first query, the run proves that it can write where it must: the
 * state location (by saving the journal as it was read: no reservation) and the
 * output location (by starting and aborting a multipart upload at the data key:
 * no object appears, not even for a moment). A run that cannot write would otherwise spend its
 * queries, and lock its Kuaidi100 numbers for 30 minutes, for nothing.
 */
export async function preflight(storage: Storage, store: StateStore, journal: Journal, layout: RunLayout, endpoint: string): Promise<void> {
	await checked('state', formatLocation(store.journalAt), endpoint, async () => await store.saveJournal(journal));
	await checked('output', layout.dataUrl, endpoint, async () => {
		const client = storage.client;
		const started = await client.send(
			new CreateMultipartUploadCommand({ Bucket: layout.bucket, Key: layout.dataKey, ContentType: 'text/csv' }),
		);
		// Starting the upload proved the write; an upload without parts holds no bytes,
		// so a store that cannot abort (s3rver answers 405) loses nothing by it.
		await client
			.send(new AbortMultipartUploadCommand({ Bucket: layout.bucket, Key: layout.dataKey, UploadId: started.UploadId }))
			.catch(() => undefined);
	});
}

export type StorageRole = 'state' | 'output' | 'shipments';

const SETTING: Record<StorageRole, string> = {
	state: '--state (TRACKING_EXPORT_STATE)',
	output: '--output (TRACKING_EXPORT_OUTPUT)',
	shipments: '--shipments (TRACKING_EXPORT_SHIPMENTS)',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);
const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AllAccessDisabled', 'ExpiredToken', 'InvalidToken']);
const LOCAL_DENIED = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR']);

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
	const root = (error instanceof StorageError && error.cause ? error.cause : error) as {
		name?: string;
		code?: string;
		Code?: string;
		message?: string;
		$metadata?: { httpStatusCode?: number };
	};
	const name = root?.Code ?? root?.name ?? '';
	const code = root?.code ?? '';
	const s3 = endpoint ? `the S3 endpoint ${endpoint}` : 'AWS S3';
	if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(root?.message ?? '')) {
		return new ConfigError(
			`No S3 credentials to reach ${where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), ` +
				'or s3.accessKeyId and s3.secretAccessKey in the config file. Nothing was queried.',
			{ cause: error },
		);
	}
	if (name === 'NoSuchBucket') {
		const bucket = /^s3:\/\/([^/]+)/.exec(where)?.[1] ?? where;
		return new ConfigError(
			`The bucket "${bucket}" does not exist at ${s3}: create it, or fix ${SETTING[role]} (or --s3-endpoint). Nothing was queried.`,
			{ cause: error },
		);
	}
	if (DENIED.has(name) || root?.$metadata?.httpStatusCode === 403) {
		return new ConfigError(
			`${s3} refused access to ${where} (${name || 'HTTP 403'}): check the S3 credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY ` +
				`or the config file) and that they may read and write there, or fix ${SETTING[role]}. Nothing was queried.`,
			{ cause: error },
		);
	}
	if (LOCAL_DENIED.has(code)) {
		return new ConfigError(`Cannot write ${where} (${code}): give a writable place with ${SETTING[role]}. Nothing was queried.`, {
			cause: error,
		});
	}
	if (NETWORK_CODES.has(code) || name === 'TimeoutError') {
		return new StorageError(
			`Could not reach ${s3} for ${where} (${code || name}): check --s3-endpoint (TRACKING_EXPORT_S3_ENDPOINT) and the network. Nothing was queried.`,
			{ cause: error },
		);
	}
	return new StorageError(`Could not use ${where}: ${describeStorageError(root)}. Nothing was queried.`, { cause: error });
}
