import { Worker } from 'node:worker_threads';
import { CSV_OPTIONS, encodeRows, type CsvRow } from './csv';

/** Turns batches of rows into CSV text, in the order they were given. */
export interface CsvEncoder {
	encode(batch: CsvRow[]): Promise<string>;
	close(): Promise<void>;
}

/** csv-stringify on the calling thread. */
export class InlineEncoder implements CsvEncoder {
	async encode(batch: CsvRow[]): Promise<string> {
		return encodeRows(batch);
	}
	async close(): Promise<void> {}
}

/**
 * The body of the encoder thread, kept free of imports so that its source text
 * can start the thread (no separate file to find, whether the package runs from
 * dist/ or from the TypeScript sources under a test runner).
 */
function encoderThread(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const threads = require('node:worker_threads') as typeof import('node:worker_threads');
	const data = threads.workerData as { stringifyPath: string; options: Record<string, unknown> };
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { stringify } = require(data.stringifyPath) as { stringify: (rows: unknown[][], options: unknown) => string };
	threads.parentPort!.on('message', (json: string) => {
		try {
			threads.parentPort!.postMessage({ text: stringify(JSON.parse(json) as unknown[][], data.options) });
		} catch (error) {
			threads.parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
		}
	});
}

/**
 * csv-stringify on a worker thread: the main thread normalizes and deduplicates
 * the next replies while the previous batch is encoded, and gzip runs on the
 * thread pool, so an export keeps two cores busy. Replies come back in order.
 */
export class ThreadEncoder implements CsvEncoder {
	private readonly worker: Worker;
	private readonly waiting: Array<{ resolve: (text: string) => void; reject: (error: Error) => void }> = [];
	private failure?: Error;

	constructor() {
		const source = `const __name = (f) => f;\n(${encoderThread.toString()})();`;
		this.worker = new Worker(source, {
			eval: true,
			workerData: { stringifyPath: require.resolve('csv-stringify/sync'), options: CSV_OPTIONS },
			// The thread holds a few batches at most; a small heap keeps its garbage from
			// piling up (V8 collects lazily when it has room), so memory does not grow
			// with the size of the export.
			resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
		});
		this.worker.unref();
		this.worker.on('message', (reply: { text?: string; error?: string }) => {
			const next = this.waiting.shift();
			if (!next) return;
			if (reply.error !== undefined) next.reject(new Error(`CSV encoding failed: ${reply.error}`));
			else next.resolve(reply.text ?? '');
			if (this.waiting.length === 0) this.worker.unref();
		});
		this.worker.on('error', (error) => this.failAll(error));
		this.worker.on('exit', (code) => {
			if (this.waiting.length > 0) this.failAll(new Error(`The CSV encoder thread stopped (exit code ${code})`));
		});
	}

	private failAll(error: Error): void {
		this.failure ??= error;
		for (const waiter of this.waiting.splice(0)) waiter.reject(error);
	}

	async encode(batch: CsvRow[]): Promise<string> {
		if (this.failure) throw this.failure;
		return await new Promise<string>((resolve, reject) => {
			this.waiting.push({ resolve, reject });
			this.worker.ref();
			// One JSON string crosses threads far more cheaply than the structured clone of
			// thousands of small strings; rows hold only text, numbers and null.
			this.worker.postMessage(JSON.stringify(batch));
		});
	}

	async close(): Promise<void> {
		this.failAll(new Error('The CSV encoder was closed'));
		await this.worker.terminate();
	}
}

export type EncoderKind = 'thread' | 'inline';

export function createEncoder(kind: EncoderKind): CsvEncoder {
	if (kind === 'inline') return new InlineEncoder();
	try {
		return new ThreadEncoder();
	} catch {
		// Workers unavailable (restricted runtime): same output, one core.
		return new InlineEncoder();
	}
}
