/**
 * The core never does I/O itself: it describes a request and parses the reply.
 * Inside n8n the nodes send requests through n8n's helpers (proxy, TLS and
 * timeouts apply); elsewhere `fetchTransport` sends them with Node's fetch.
 */
import { settle } from './settle';

export interface HttpRequest {
	method: 'GET' | 'POST';
	url: string;
	headers: Record<string, string>;
	/** The exact body text to send (already encoded); absent for GET. */
	body?: string;
	timeoutMs: number;
	/**
	 * Set when the service's signature is still to be added by the transport: inside
	 * n8n, the credential's `authenticate` signs it (httpRequestWithAuthentication).
	 */
	needsSignature?: boolean;
}

export interface HttpResponse {
	status: number;
	/** The body as received, decoded as UTF-8. */
	body: string;
}

export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** Raised by transports for failures below HTTP (DNS, refused, reset, timeout). */
export class TransportError extends Error {
	/** `config`: the request can never succeed as configured (e.g. a base URL without http://). */
	readonly kind: 'network' | 'timeout' | 'config';
	constructor(kind: 'network' | 'timeout' | 'config', message: string, cause?: unknown) {
		super(message, { cause });
		this.name = 'TransportError';
		this.kind = kind;
	}
}

/** Plain HTTP through Node's fetch, for the exporter, the demo and scripts. */
export const fetchTransport: HttpTransport = async (request) => {
	if (!URL.canParse(request.url)) throw new TransportError('config', `"${request.url}" is not a valid URL`);
	const host = new URL(request.url).host;
	const sent = await settle(async () => {
		const response = await fetch(request.url, {
			method: request.method,
			headers: request.headers,
			body: request.body,
			signal: AbortSignal.timeout(request.timeoutMs),
		});
		return { status: response.status, body: await response.text() };
	});
	if (sent.ok) return sent.value;
	const name = (sent.error as Error)?.name;
	if (name === 'TimeoutError' || name === 'AbortError') {
		throw new TransportError('timeout', `No answer from ${host} within ${request.timeoutMs} ms`, sent.error);
	}
	const cause = (sent.error as { cause?: { code?: string } })?.cause?.code;
	throw new TransportError('network', `Could not reach ${host}${cause ? ` (${cause})` : ''}`, sent.error);
};

/** Joins a configured base URL and a path, tolerating a trailing slash on the base. */
export function joinUrl(baseUrl: string, path: string): string {
	return baseUrl.replace(/\/+$/, '') + path;
}
