import { Transform, pipeline, type Writable } from 'node:stream';
import { createGzip, type ZlibOptions } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { csvHeader, encodeRows, type CsvRow } from './csv';
import { StorageError } from '../exit-codes';
import { describeStorageError } from '../storage/storage';

export interface ObjectWriterOptions {
	client: S3Client;
	bucket: string;
	key: string;
	gzip: boolean;
	/** Multipart part size in bytes (S3 minimum 5 MiB). */
	partSize: number;
	/** Parts uploaded at once. Default 1: memory stays at about two parts; more did not make exports faster. */
	queueSize?: number;
	/** How long abort() waits for the multipart upload to be aborted. Default 60 s. */
	abortWaitMs?: number;
}

/** Chunks waiting to be written before write() waits. */
const MAX_CHUNKS_IN_FLIGHT = 4;

export interface WrittenObject {
	bucket: string;
	key: string;
	rows: number;
	/** Bytes stored (compressed size with gzip). */
	bytes: number;
}

const WRITE_AHEAD_BYTES = 1024 * 1024;
/** CSV bytes gathered into one chunk for gzip / the upload. */
const CHUNK_BYTES = 256 * 1024;
const MAX_SPARES = 8;

/** Counts the bytes that go to S3. */
class ByteCounter extends Transform {
	bytes = 0;
	override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
		this.bytes += chunk.length;
		callback(null, chunk);
	}
}

/**
 * CSV bytes (in chunks of about 256 KiB) -> optional gzip -> S3 multipart upload.
 *
 * The upload starts with the first batch, so a run without events leaves no
 * object at all. On failure the stream is destroyed, never ended: ending it
 * would let the upload complete a truncated object. Destroying it makes the
 * upload abort its multipart upload, so no object, partial or whole, appears.
 */
export class ObjectWriter {
	rows = 0;
	/** The chunk being filled: CSV bytes not yet handed to gzip / the upload. */
	private chunk?: Buffer;
	private chunkUsed = 0;
	private head?: Writable;
	private counter?: ByteCounter;
	private uploadDone?: Promise<void>;
	private failure?: Error;
	private failed?: Promise<never>;
	private rejectFailed?: (error: Error) => void;
	private drain?: Promise<void>;
	private ended = false;
	/** Chunks are written strictly in order, each after the one before. */
	private tail: Promise<void> = Promise.resolve();
	private inFlight = 0;
	/** Chunk buffers gzip has finished with, for the next chunks. */
	private readonly spare: Buffer[] = [];

	constructor(private readonly options: ObjectWriterOptions) {}

	get started(): boolean {
		return this.head !== undefined;
	}

	get bytes(): number {
		return this.counter?.bytes ?? 0;
	}

	/** Queues rows (encoded here by csv-stringify). Waits when S3 is behind. */
	async write(rows: readonly CsvRow[]): Promise<void> {
		await this.writeCsv(Buffer.from(encodeRows(rows), 'utf8'), rows.length);
	}

	/**
	 * Queues `count` rows already encoded as UTF-8 CSV lines (pipeline.ts
	 * encodeShipment, on the encoder threads); writes a chunk when enough are
	 * queued. Waits when S3 is behind. The bytes are copied before this returns
	 * its promise, so the caller may reuse `csv` at once.
	 */
	async writeCsv(csv: Uint8Array, count: number): Promise<void> {
		if (this.failure) throw this.failure;
		if (this.ended) throw new Error('ObjectWriter: write after finish');
		this.append(csv);
		this.rows += count;
		if (this.chunkUsed >= CHUNK_BYTES) await this.flush();
	}

	private append(bytes: Uint8Array): void {
		const needed = this.chunkUsed + bytes.byteLength;
		if (!this.chunk || needed > this.chunk.length) {
			const bigger = this.takeBuffer(needed);
			if (this.chunk) this.chunk.copy(bigger, 0, 0, this.chunkUsed);
			this.chunk = bigger;
		}
		this.chunk.set(bytes, this.chunkUsed);
		this.chunkUsed = needed;
	}

	/** A chunk buffer gzip is done with, or a new one. */
	private takeBuffer(size: number): Buffer {
		let buffer = this.spare.pop();
		while (buffer && buffer.length < size) buffer = this.spare.pop();
		return buffer ?? Buffer.allocUnsafeSlow(Math.max(size, 2 * CHUNK_BYTES));
	}

	private start(): void {
		// Room for about a megabyte ahead of the compressor, so that the next chunks
		// (from the encoder threads) arrive while gzip (thread pool) and the upload work.
		const counter = new ByteCounter({ writableHighWaterMark: WRITE_AHEAD_BYTES });
		let head: Writable = counter;
		if (this.options.gzip) {
			// zlib streams take the stream options too (the typings leave them out).
			const gzip = createGzip({ level: 3, chunkSize: 64 * 1024, writableHighWaterMark: WRITE_AHEAD_BYTES } as ZlibOptions);
			pipeline(gzip, counter, () => {
				// Errors reach the upload through the counter it reads from.
			});
			head = gzip;
		}
		head.on('error', (error) => this.fail(error));
		counter.on('error', (error) => this.fail(error));
		this.head = head;
		this.counter = counter;
		this.failed = new Promise<never>((_, reject) => {
			this.rejectFailed = reject;
		});
		this.failed.catch(() => {});
		this.uploadDone = this.upload(counter);
		this.uploadDone.catch(() => {});
		this.head.write(Buffer.from(csvHeader(), 'utf8'));
	}

	/** The multipart upload reading `body`; its failure fails the writer. */
	private async upload(body: ByteCounter): Promise<void> {
		const { client, bucket, key, gzip, partSize, queueSize } = this.options;
		const upload = new Upload({
			client,
			params: { Bucket: bucket, Key: key, Body: body, ContentType: gzip ? 'application/gzip' : 'text/csv; charset=utf-8' },
			partSize,
			queueSize: queueSize ?? 1,
			leavePartsOnError: false,
		});
		try {
			await upload.done();
		} catch (error) {
			const wrapped =
				error instanceof StorageError
					? error
					: new StorageError(`Upload of s3://${bucket}/${key} failed: ${describeStorageError(error)}`, { cause: error });
			this.fail(wrapped);
			throw wrapped;
		}
	}

	private fail(error: Error): void {
		if (this.failure) return;
		this.failure = error;
		this.rejectFailed?.(error);
		// Never end: destroy, so the upload aborts instead of completing.
		this.head?.destroy(error);
		this.counter?.destroy(error);
	}

	/** Writes a chunk; gzip's chunk buffers are reused once gzip has read them. */
	private writeChunk(buffer: Buffer, size: number): boolean {
		// Without gzip the upload keeps what it is given until its part is sent: it gets
		// an exact-size copy, and the chunk buffer serves again.
		if (!this.options.gzip) {
			const exact = Buffer.allocUnsafeSlow(size);
			buffer.copy(exact, 0, 0, size);
			if (this.spare.length < MAX_SPARES) this.spare.push(buffer);
			return this.head!.write(exact);
		}
		// gzip is done with a chunk when its write callback runs: the buffer is reused,
		// instead of leaving every chunk's bytes (344 MB for a million events) to the GC.
		return this.head!.write(buffer.subarray(0, size), () => {
			if (this.spare.length < MAX_SPARES) this.spare.push(buffer);
		});
	}

	/** Writes the queued bytes after the chunks before them. */
	private async flush(): Promise<void> {
		if (!this.chunk || this.chunkUsed === 0) return;
		const buffer = this.chunk;
		const size = this.chunkUsed;
		this.chunk = undefined;
		this.chunkUsed = 0;
		if (!this.head) this.start();
		if (this.failure) throw this.failure;
		this.inFlight++;
		const written = this.tail.then(async () => {
			try {
				if (this.failure) throw this.failure;
				if (!this.writeChunk(buffer, size)) {
					this.drain ??= new Promise<void>((resolve) => {
						this.head!.once('drain', () => {
							this.drain = undefined;
							resolve();
						});
					});
					await Promise.race([this.drain, this.failed!]);
				}
			} finally {
				this.inFlight--;
			}
		});
		this.tail = written.catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
		if (this.inFlight >= MAX_CHUNKS_IN_FLIGHT) await written;
	}

	/** Writes what is queued and completes the upload; null when no row was ever written. */
	async finish(): Promise<WrittenObject | null> {
		if (this.failure) throw this.failure;
		await this.flush();
		this.ended = true;
		await this.tail;
		if (this.failure) throw this.failure;
		if (!this.head) return null;
		this.head.end();
		await this.uploadDone;
		if (this.failure) throw this.failure;
		return { bucket: this.options.bucket, key: this.options.key, rows: this.rows, bytes: this.counter!.bytes };
	}

	/** Abandons the object: destroys the stream and waits for the multipart upload to be aborted. */
	async abort(reason: Error): Promise<void> {
		this.chunk = undefined;
		this.chunkUsed = 0;
		if (this.head) this.fail(reason);
		else this.failure ??= reason;
		if (!this.head) return;
		const wait = this.options.abortWaitMs ?? 60_000;
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			this.uploadDone!.catch(() => {}),
			new Promise<void>((resolve) => {
				timer = setTimeout(resolve, wait);
				timer.unref?.();
			}),
		]);
		if (timer) clearTimeout(timer);
	}
}
