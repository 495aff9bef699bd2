import { parentPort } from 'node:worker_threads';
import { encodeShipment, type EncodeRequest } from './encode-shipment';

/** A request to an encoder thread (encoder.ts), with byte buffers the main thread is done with. */
export interface EncodeMessage {
	id: number;
	request: EncodeRequest;
	recycled: ArrayBuffer[];
}

/** Buffers back from the main thread, for the next replies' CSV bytes. */
const free: ArrayBuffer[] = [];
const MAX_FREE = 16;
const MIN_BUFFER = 64 * 1024;
const utf8 = new TextEncoder();

/** UTF-8 into a recycled buffer when one is large enough (3 bytes per UTF-16 unit at most). */
function toUtf8(text: string): Uint8Array {
	// Most replies of an incremental run have no new event: no buffer for them.
	if (text.length === 0) return new Uint8Array(0);
	const worst = text.length * 3;
	let buffer = free.pop();
	while (buffer && buffer.byteLength < worst) buffer = free.pop();
	buffer ??= new ArrayBuffer(Math.max(worst, MIN_BUFFER));
	const { written } = utf8.encodeInto(text, new Uint8Array(buffer));
	return new Uint8Array(buffer, 0, written);
}

parentPort?.on('message', ({ id, request, recycled }: EncodeMessage) => {
	for (const buffer of recycled) if (free.length < MAX_FREE) free.push(buffer);
	let result;
	try {
		result = encodeShipment(request, toUtf8);
	} catch (error) {
		parentPort!.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
		return;
	}
	parentPort!.postMessage({ id, result }, [result.csv.buffer as ArrayBuffer, result.prefixes.buffer as ArrayBuffer]);
});
