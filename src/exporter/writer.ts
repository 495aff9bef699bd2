import { Transform, pipeline, type Writable } from 'node:stream';
import { createGzip, type ZlibOptions } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { csvHeader, encodeRows, type CsvRow } from './csv';
import { StorageError } from './errors';
import { describeStorageError } from './storage';

export interface ObjectWriterOptions {
	client: S3Client;
	bucket: string;
	key: string;
	gzip: boolean;
	/** Multipart part size in bytes (S3 minimum 5 MiB). */
	partSize: number;
	/** Parts uploaded at once. Default 1: memory stays at about two parts; gzip, not the upload, is the slower step. */
	queueSize?: number;
	/** Rows encoded per csv-stringify call and written as one chunk. Default 500. */
	batchRows?: number;
	/** How long abort() waits for the multipart upload to be aborted. Default 60 s. */
	abortWaitMs?: number;
}

/** Batches being encoded or waiting to be written before write() waits. */
const MAX_BATCHES_IN_FLIGHT = 4;

export interface WrittenObject {
	bucket: string;
	key: string;
	rows: number;
	/** Bytes stored (compressed size with gzip). */
	bytes: number;
}

const WRITE_AHEAD_BYTES = 1024 * 1024;
const SPARE_BYTES = 256 * 1024;
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
 * Rows -> csv-stringify (in batches) -> optional gzip -> S3 multipart upload.
 *
 * The upload starts with the first batch, so a run without events leaves no
 * object at all. On failure the stream is destroyed, never ended: ending it
 * would let the upload complete a truncated object. Destroying it makes the
 * upload abort its multipart upload, so no object, partial or whole, appears.
 */
export class ObjectWriter {
	rows = 0;
	/** CSV lines not yet handed to gzip / the upload, and how many rows they hold. */
	private pending = '';
	private pendingRows = 0;
	private head?: Writable;
	private counter?: ByteCounter;
	private uploadDone?: Promise<void>;
	private failure?: Error;
	private failed?: Promise<never>;
	private rejectFailed?: (error: Error) => void;
	private drain?: Promise<void>;
	private ended = false;
	private readonly batchRows: number;
	/** Batches are written strictly in order, each after the one before. */
	private tail: Promise<void> = Promise.resolve();
	private inFlight = 0;
	/** Byte buffers gzip has finished with, for the next batches. */
	private readonly spare: Buffer[] = [];

	constructor(private readonly options: ObjectWriterOptions) {
		this.batchRows = options.batchRows ?? 500;
	}

	get started(): boolean {
		return this.head !== undefined;
	}

	get bytes(): number {
		return this.counter?.bytes ?? 0;
	}

	/** Queues rows; writes a batch when enough are queued. Waits when S3 is behind. */
	async write(rows: readonly CsvRow[]): Promise<void> {
		await this.writeCsv(encodeRows(rows), rows.length);
	}

	/**
	 * Queues `count` rows already encoded by csv-stringify (pipeline.ts encodes each
	 * shipment's new events at once: short-lived strings, which the GC handles far
	 * better than row arrays held for a batch).
	 */
	async writeCsv(csv: string, count: number): Promise<void> {
		if (this.failure) throw this.failure;
		if (this.ended) throw new Error('ObjectWriter: write after finish');
		this.pending += csv;
		this.pendingRows += count;
		this.rows += count;
		if (this.pendingRows >= this.batchRows) await this.flush();
	}

	private start(): void {
		// Room for about a megabyte ahead of the compressor, so that encoding the
		// next batches (main thread) overlaps with gzip (thread pool) and the upload.
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
		const upload = new Upload({
			client: this.options.client,
			params: {
				Bucket: this.options.bucket,
				Key: this.options.key,
				Body: counter,
				ContentType: this.options.gzip ? 'application/gzip' : 'text/csv; charset=utf-8',
			},
			partSize: this.options.partSize,
			queueSize: this.options.queueSize ?? 1,
			leavePartsOnError: false,
		});
		this.uploadDone = upload.done().then(
			() => undefined,
			(error: unknown) => {
				const wrapped =
					error instanceof StorageError
						? error
						: new StorageError(
								`Upload of s3://${this.options.bucket}/${this.options.key} failed: ${describeStorageError(error)}`,
								{ cause: error },
							);
				this.fail(wrapped);
				throw wrapped;
			},
		);
		this.uploadDone.catch(() => {});
		this.writeChunk(csvHeader());
	}

	private fail(error: Error): void {
		if (this.failure) return;
		this.failure = error;
		this.rejectFailed?.(error);
		// Never end: destroy, so the upload aborts instead of completing.
		this.head?.destroy(error);
		this.counter?.destroy(error);
	}

	private writeChunk(text: string): boolean {
		if (!this.options.gzip) return this.head!.write(Buffer.from(text, 'utf8'));
		// gzip is done with a chunk when its write callback runs: the buffer is reused,
		// instead of leaving every batch's bytes (344 MB for a million events) to the GC.
		const size = Buffer.byteLength(text, 'utf8');
		let buffer = this.spare.pop();
		if (!buffer || buffer.length < size) buffer = Buffer.allocUnsafeSlow(Math.max(size, SPARE_BYTES));
		const reused = buffer;
		const written = buffer.write(text, 0, 'utf8');
		return this.head!.write(buffer.subarray(0, written), () => {
			if (this.spare.length < MAX_SPARES) this.spare.push(reused);
		});
	}

	/** Writes the queued lines after the batches before them. */
	private async flush(): Promise<void> {
		if (this.pendingRows === 0) return;
		const text = this.pending;
		this.pending = '';
		this.pendingRows = 0;
		if (!this.head) this.start();
		if (this.failure) throw this.failure;
		this.inFlight++;
		const written = this.tail.then(async () => {
			try {
				if (this.failure) throw this.failure;
				if (!this.writeChunk(text)) {
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
		if (this.inFlight >= MAX_BATCHES_IN_FLIGHT) await written;
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
		this.pending = '';
		this.pendingRows = 0;
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
