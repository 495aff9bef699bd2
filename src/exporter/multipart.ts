import { Writable } from 'node:stream';
import {
	AbortMultipartUploadCommand,
	ChecksumAlgorithm,
	CompleteMultipartUploadCommand,
	CreateMultipartUploadCommand,
	PutObjectCommand,
	UploadPartCommand,
	type CompletedPart,
	type S3Client,
} from '@aws-sdk/client-s3';

export interface PartUploadTarget {
	client: S3Client;
	bucket: string;
	key: string;
	contentType: string;
	/** Bytes per part (S3 minimum 5 MiB, except the last). */
	partSize: number;
}

/**
 * Bytes into one S3 object through two part buffers that are reused: one fills
 * while the other uploads (a general-purpose uploader copies every part out of
 * the stream's chunks instead, and leaves each copy to the garbage collector).
 *
 * Ending the stream completes the object: a single PutObject when it fits in one
 * part, else the last part and CompleteMultipartUpload. Destroying it never
 * completes anything: a multipart upload it started is aborted, so no object,
 * partial or whole, appears.
 */
export class PartUpload extends Writable {
	/** Bytes received, i.e. the size of the object. */
	bytes = 0;
	private fill: Buffer;
	private filled = 0;
	private readonly spare: Buffer[] = [];
	private uploadId?: Promise<string>;
	private readonly parts: CompletedPart[] = [];
	/** The part being uploaded (one at a time: its buffer comes back when it is done). */
	private inFlight: Promise<void> = Promise.resolve();
	private completing = false;

	constructor(
		private readonly target: PartUploadTarget,
		options: { highWaterMark: number },
	) {
		super({ highWaterMark: options.highWaterMark });
		this.fill = Buffer.allocUnsafeSlow(target.partSize);
	}

	override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		this.take(chunk).then(
			() => callback(),
			(error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
		);
	}

	override _final(callback: (error?: Error | null) => void): void {
		this.completing = true;
		this.complete().then(
			() => callback(),
			(error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
		);
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		this.abortUpload().then(
			() => callback(error),
			() => callback(error),
		);
	}

	private async take(chunk: Buffer): Promise<void> {
		this.bytes += chunk.length;
		for (let offset = 0; offset < chunk.length; ) {
			const copied = chunk.copy(this.fill, this.filled, offset);
			this.filled += copied;
			offset += copied;
			if (this.filled === this.target.partSize) await this.sendPart();
		}
	}

	/** Uploads the filled buffer once the part before it is done; filling goes on in the other buffer. */
	private async sendPart(): Promise<void> {
		await this.inFlight;
		const buffer = this.fill;
		const body = buffer.subarray(0, this.filled);
		this.fill = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.target.partSize);
		this.filled = 0;
		const partNumber = this.parts.length + 1;
		const uploadId = await (this.uploadId ??= this.create());
		const { client, bucket, key } = this.target;
		this.inFlight = client
			.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body }))
			.then((reply) => {
				if (!reply.ETag) throw new Error(`part ${partNumber} came back without an ETag`);
				this.parts.push({
					PartNumber: partNumber,
					ETag: reply.ETag,
					...(reply.ChecksumCRC32 ? { ChecksumCRC32: reply.ChecksumCRC32 } : {}),
					...(reply.ChecksumCRC32C ? { ChecksumCRC32C: reply.ChecksumCRC32C } : {}),
					...(reply.ChecksumSHA1 ? { ChecksumSHA1: reply.ChecksumSHA1 } : {}),
					...(reply.ChecksumSHA256 ? { ChecksumSHA256: reply.ChecksumSHA256 } : {}),
				});
				this.spare.push(buffer);
			});
		this.inFlight.catch(() => {});
	}

	private async create(): Promise<string> {
		const { client, bucket, key, contentType } = this.target;
		// As @aws-sdk/lib-storage does: with flexible checksums on (AWS), parts carry
		// CRC32 checksums and the upload must be created for them.
		const checksums = (await client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED';
		const reply = await client.send(
			new CreateMultipartUploadCommand({
				Bucket: bucket,
				Key: key,
				ContentType: contentType,
				...(checksums ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}),
			}),
		);
		if (!reply.UploadId) throw new Error('CreateMultipartUpload returned no UploadId');
		return reply.UploadId;
	}

	private async complete(): Promise<void> {
		const { client, bucket, key, contentType } = this.target;
		if (!this.uploadId) {
			// The whole object fits in one part: one atomic PUT.
			await client.send(
				new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType, Body: this.fill.subarray(0, this.filled) }),
			);
			return;
		}
		if (this.filled > 0) await this.sendPart();
		await this.inFlight;
		await client.send(
			new CompleteMultipartUploadCommand({
				Bucket: bucket,
				Key: key,
				UploadId: await this.uploadId,
				MultipartUpload: { Parts: this.parts },
			}),
		);
	}

	private async abortUpload(): Promise<void> {
		if (!this.uploadId || (this.completing && this.writableFinished)) return;
		const uploadId = await this.uploadId.catch(() => undefined);
		if (!uploadId) return;
		await this.inFlight.catch(() => {});
		const { client, bucket, key } = this.target;
		await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
	}
}
