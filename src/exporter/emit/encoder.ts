import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EncodeMessage } from './encode-thread';
import { encodeShipment, type EncodeRequest, type EncodedShipment } from './encode-shipment';

/** Turns service replies into CSV bytes (pipeline.ts encodeShipment), on this thread or others. */
export interface ShipmentEncoder {
	encode(request: EncodeRequest): Promise<EncodedShipment>;
	/** The caller is done with a result's CSV bytes: their memory may serve a later reply. */
	recycle(csv: Uint8Array): void;
	close(): Promise<void>;
}

/** encodeShipment on the calling thread. */
export class InlineEncoder implements ShipmentEncoder {
	async encode(request: EncodeRequest): Promise<EncodedShipment> {
		return encodeShipment(request);
	}

	recycle(): void {}

	async close(): Promise<void> {}
}

interface Pending {
	resolve: (result: EncodedShipment) => void;
	reject: (error: Error) => void;
}

interface Thread {
	worker: Worker;
	pending: Map<number, Pending>;
}

const MAX_RECYCLED = 16;

/**
 * A thread holds a few replies at a time. Left alone, V8 grows each thread's
 * young generation with the length of the export (bench/export.bench.mjs: 262 MB
 * instead of about 210 MB at a million events). The old generation has room for a
 * reply of 50,000 events (test/exporter/encoder.test.ts; real replies hold at
 * most a few hundred) and the time-conversion cache (normalize/time.ts).
 */
const THREAD_HEAP = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 12 };

type Reply = { id: number; result: EncodedShipment; error?: undefined } | { id: number; error: string; result?: undefined };

/**
 * encodeShipment on worker threads. Normalizing, hashing and csv-stringify are
 * the CPU work of an export; on the main thread they left a second core to gzip
 * alone. The main thread now only queries, hands each reply over (a structured
 * clone) and writes the bytes that come back (transferred, not copied) to gzip
 * and the upload. A reply goes to the thread with the fewest in hand.
 */
export class ThreadEncoder implements ShipmentEncoder {
	private readonly threads: Thread[];
	private nextId = 0;
	/** CSV buffers the caller is done with; each goes back to a thread with the next request. */
	private readonly recycled: ArrayBuffer[] = [];
	private failure?: Error;
	private closed = false;

	constructor(count: number, script: string) {
		this.threads = [];
		try {
			for (let i = 0; i < Math.max(1, count); i++) this.threads.push(this.start(script));
		} catch (error) {
			// Threads started before the one that could not start must not linger.
			this.closed = true;
			for (const { worker } of this.threads) void worker.terminate();
			throw error;
		}
	}

	private start(script: string): Thread {
		const thread: Thread = { worker: new Worker(script, { resourceLimits: THREAD_HEAP }), pending: new Map() };
		const { worker, pending } = thread;
		worker.unref();
		worker.on('message', (reply: Reply) => {
			const waiting = pending.get(reply.id);
			if (!waiting) return;
			pending.delete(reply.id);
			if (pending.size === 0) worker.unref();
			if (reply.error !== undefined) waiting.reject(new Error(`Encoding a reply failed: ${reply.error}`));
			else waiting.resolve(reply.result);
		});
		// An uncaught error or the heap limit: the run stops (nothing is committed, the next run exports the events).
		worker.on('error', (error: unknown) => {
			const reason = error instanceof Error ? error.message : String(error);
			this.fail(new Error(`An encoder thread failed: ${reason} (--threads 0 encodes on the main thread)`, { cause: error }));
		});
		// A message that cannot be read back would leave its request waiting forever.
		worker.on('messageerror', (error) => this.fail(new Error(`An encoder thread sent a message that could not be read: ${error.message}`)));
		worker.on('exit', (code) => {
			if (!this.closed) this.fail(new Error(`An encoder thread stopped (exit code ${code})`));
		});
		return thread;
	}

	private fail(error: Error): void {
		this.failure ??= error;
		for (const { pending } of this.threads) {
			for (const waiting of pending.values()) waiting.reject(this.failure);
			pending.clear();
		}
	}

	async encode(request: EncodeRequest): Promise<EncodedShipment> {
		if (this.failure) throw this.failure;
		if (this.closed) throw new Error('The encoder is closed');
		let thread = this.threads[0];
		for (const candidate of this.threads) if (candidate.pending.size < thread.pending.size) thread = candidate;
		const id = this.nextId++;
		// A copy that owns its memory: the state's buffer stays here, the copy moves.
		const exported = new Uint8Array(request.exported);
		const recycled = this.recycled.splice(0, 2);
		const message: EncodeMessage = { id, request: { ...request, exported }, recycled };
		return await new Promise<EncodedShipment>((resolve, reject) => {
			thread.pending.set(id, { resolve, reject });
			thread.worker.ref();
			try {
				thread.worker.postMessage(message, [exported.buffer, ...recycled]);
			} catch (error) {
				// A reply that cannot be cloned: this request fails, the thread is not left waiting for it.
				thread.pending.delete(id);
				if (thread.pending.size === 0) thread.worker.unref();
				reject(error instanceof Error ? error : new Error(String(error)));
			}
		});
	}

	recycle(csv: Uint8Array): void {
		// CSV buffers come from the threads, each its own ArrayBuffer (encode-thread.ts).
		if (this.recycled.length < MAX_RECYCLED && csv.buffer instanceof ArrayBuffer && csv.buffer.byteLength > 0) this.recycled.push(csv.buffer);
	}

	async close(): Promise<void> {
		this.closed = true;
		this.fail(new Error('The encoder was closed'));
		await Promise.all(this.threads.map(async ({ worker }) => await worker.terminate()));
	}
}

/** The compiled thread body, next to this file in the package. */
export const ENCODE_THREAD_SCRIPT = path.join(__dirname, 'encode-thread.js');

/**
 * `threads` encoder threads running `script`, or the calling thread for 0
 * (--threads 0, a documented setting). No silent second path: a missing thread
 * body or threads that cannot start are an error that says what to do, raised
 * before the run reserves or queries anything.
 */
export function createEncoder(threads: number, script: string = ENCODE_THREAD_SCRIPT): ShipmentEncoder {
	if (threads <= 0) return new InlineEncoder();
	if (!existsSync(script)) {
		throw new Error(`The encoder thread body ${script} is missing: reinstall tracking-export (or build it), or give --threads 0 to encode on the main thread`);
	}
	try {
		return new ThreadEncoder(threads, script);
	} catch (error) {
		throw new Error(`Could not start ${threads} encoder thread(s): ${error instanceof Error ? error.message : String(error)}; --threads 0 encodes on the main thread`, {
			cause: error,
		});
	}
}
