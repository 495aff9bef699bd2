/**
 * Shared request parsing: every fake reads one request the same way (body bytes as
 * received, headers, media type, query) and reads fields with the same leniency.
 */
import type { IncomingMessage } from 'node:http';

/** One request as the fakes see it, parsed once by the server. */
export interface SandboxRequest {
	method: string;
	/** Path without the query string. */
	path: string;
	/** Lower-cased header names; repeated headers joined with ", ". */
	headers: Record<string, string>;
	/** Content-Type without its parameters, lower-cased ('' when absent). */
	mediaType: string;
	/** The body exactly as received: signatures are checked over these bytes. */
	body: Buffer;
	query: Record<string, string>;
}

export async function readRequest(req: IncomingMessage): Promise<SandboxRequest> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return {
		method: req.method ?? '',
		path: url.pathname,
		headers,
		mediaType: (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase(),
		body: Buffer.concat(chunks),
		query: Object.fromEntries(url.searchParams),
	};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object, or undefined for anything else (unparsable text, arrays, scalars). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return isRecord(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

/** A field as text: strings as they are, finite numbers written out, anything else ''. */
export function fieldText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

export function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}
