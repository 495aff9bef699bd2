import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import {
	DeleteObjectCommand,
	GetObjectCommand,
	HeadObjectCommand,
	PutObjectCommand,
	S3Client,
	type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { ConfigError, StorageError } from '../exit-codes';
import { formatLocation, parseLocation, type Location } from './location';

/** Where the S3 client connects: AWS by default, any S3-compatible store with an endpoint. */
export interface S3Settings {
	/** e.g. http://127.0.0.1:9000 (MinIO), https://<account>.r2.cloudflarestorage.com (R2). */
	endpoint?: string;
	region?: string;
	/** Path-style URLs (http://host/bucket/key), needed by most self-hosted stores. */
	forcePathStyle?: boolean;
	/** Static credentials (from the environment or the config file); default: the AWS credential chain. */
	accessKeyId?: string;
	secretAccessKey?: string;
	sessionToken?: string;
	/** Attempts per S3 request (SDK retry with backoff). Default 3. */
	maxAttempts?: number;
}

/**
 * An S3 client for AWS or an S3-compatible store. With a custom endpoint, request
 * checksums are computed only when an operation requires them: the SDK's default
 * (CRC32 with aws-chunked trailers on every streamed upload) breaks uploads to
 * MinIO, R2, s3rver and most other compatible stores.
 */
export function createS3Client(settings: S3Settings = {}): S3Client {
	const config: S3ClientConfig = {
		maxAttempts: settings.maxAttempts ?? 3,
	};
	if (settings.region) config.region = settings.region;
	if (settings.endpoint) {
		config.endpoint = settings.endpoint;
		// A compatible store rarely cares about the region, but the SDK needs one.
		config.region = settings.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
		config.requestChecksumCalculation = 'WHEN_REQUIRED';
		config.responseChecksumValidation = 'WHEN_REQUIRED';
	}
	if (settings.forcePathStyle !== undefined) config.forcePathStyle = settings.forcePathStyle;
	if (settings.accessKeyId && settings.secretAccessKey) {
		config.credentials = {
			accessKeyId: settings.accessKeyId,
			secretAccessKey: settings.secretAccessKey,
			...(settings.sessionToken ? { sessionToken: settings.sessionToken } : {}),
		};
	}
	return new S3Client(config);
}

export { formatLocation, parseLocation, s3Url, type FileLocation, type Location, type S3Location } from './location';

function isNotFound(error: unknown): boolean {
	const e = error as { name?: string; Code?: string; code?: string; $metadata?: { httpStatusCode?: number } };
	return (
		e?.name === 'NoSuchKey' ||
		e?.name === 'NotFound' ||
		e?.Code === 'NoSuchKey' ||
		e?.code === 'ENOENT' ||
		e?.$metadata?.httpStatusCode === 404
	);
}

/** Short description of an S3 / file error, without request ids or credentials. */
export function describeStorageError(error: unknown): string {
	const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
	const status = e?.$metadata?.httpStatusCode;
	const name = e?.name && e.name !== 'Error' ? e.name : e?.code;
	const parts = [name, status ? `HTTP ${status}` : undefined, e?.message].filter(Boolean);
	return parts.join(': ') || String(error);
}

/** Reads and writes small text objects (state, journal, shipment lists, manifests). */
export class Storage {
	private used = false;
	constructor(
		private readonly s3: () => S3Client,
		private readonly cwd = process.cwd(),
	) {}

	get client(): S3Client {
		this.used = true;
		return this.s3();
	}

	/** Closes the S3 client's connections, if one was made. */
	dispose(): void {
		if (this.used) this.s3().destroy();
	}

	parse(text: string): Location {
		return parseLocation(text, this.cwd);
	}

	/** The object's text, or null when it does not exist. */
	async readText(location: Location): Promise<string | null> {
		const bytes = await this.readBytes(location);
		return bytes === null ? null : bytes.toString('utf8');
	}

	/** The object's bytes, or null when it does not exist. */
	async readBytes(location: Location): Promise<Buffer | null> {
		try {
			if (location.kind === 'file') return await fs.readFile(location.path);
			const reply = await this.client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
			return Buffer.from((await reply.Body?.transformToByteArray()) ?? []);
		} catch (error) {
			if (isNotFound(error)) return null;
			if ((error as { code?: string }).code === 'EISDIR') {
				throw new ConfigError(`${formatLocation(location)} is a folder, not a file: give the path of the file itself`, { cause: error });
			}
			throw new StorageError(`Could not read ${formatLocation(location)}: ${describeStorageError(error)}`, {
				cause: error,
			});
		}
	}

	/** Replaces the object whole: S3 puts are atomic; local files go through a temporary file and a rename. */
	async writeText(location: Location, text: string, contentType = 'application/json'): Promise<void> {
		try {
			if (location.kind === 'file') {
				await fs.mkdir(path.dirname(location.path), { recursive: true });
				const temporary = `${location.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
				const handle = await fs.open(temporary, 'w', 0o600);
				try {
					await handle.writeFile(text, 'utf8');
					await handle.sync();
				} finally {
					await handle.close();
				}
				await fs.rename(temporary, location.path);
				return;
			}
			await this.client.send(
				new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: text, ContentType: contentType }),
			);
		} catch (error) {
			throw new StorageError(`Could not write ${formatLocation(location)}: ${describeStorageError(error)}`, {
				cause: error,
			});
		}
	}

	/** Size in bytes, or null when the object does not exist. */
	async size(location: Location): Promise<number | null> {
		try {
			if (location.kind === 'file') return (await fs.stat(location.path)).size;
			const head = await this.client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
			return head.ContentLength ?? 0;
		} catch (error) {
			if (isNotFound(error)) return null;
			throw new StorageError(`Could not check ${formatLocation(location)}: ${describeStorageError(error)}`, {
				cause: error,
			});
		}
	}

	async remove(location: Location): Promise<void> {
		try {
			if (location.kind === 'file') await fs.rm(location.path, { force: true });
			else await this.client.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: location.key }));
		} catch (error) {
			if (isNotFound(error)) return;
			throw new StorageError(`Could not delete ${formatLocation(location)}: ${describeStorageError(error)}`, {
				cause: error,
			});
		}
	}

	/** A byte stream of the object (for reading back a data file); null when it does not exist. */
	async openRead(location: Location): Promise<Readable | null> {
		try {
			if (location.kind === 'file') {
				const handle = await fs.open(location.path, 'r');
				return handle.createReadStream();
			}
			const reply = await this.client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
			if (!reply.Body) return Readable.from([]);
			return reply.Body as Readable;
		} catch (error) {
			if (isNotFound(error)) return null;
			throw new StorageError(`Could not read ${formatLocation(location)}: ${describeStorageError(error)}`, {
				cause: error,
			});
		}
	}
}

/** A lazily created S3 client: nothing touches AWS configuration unless an s3:// location is used. */
export function lazyS3(settings: S3Settings): () => S3Client {
	let client: S3Client | undefined;
	return () => (client ??= createS3Client(settings));
}
