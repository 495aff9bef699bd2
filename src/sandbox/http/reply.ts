/** What a fake answers, and the answers every fake gives alike (HTML error pages). */
import { STATUS_CODES } from 'node:http';

export interface Reply {
	status: number;
	body: string;
	contentType: string;
}

export function jsonReply(body: unknown, contentType: string, status = 200): Reply {
	return { status, body: JSON.stringify(body), contentType };
}

export function notFoundPage(): Reply {
	return { status: 404, body: '<html><body><h1>404 Not Found</h1></body></html>', contentType: 'text/html' };
}

/** The HTML page a gateway answers with a bare HTTP error status. */
export function httpErrorPage(status: number): Reply {
	const text = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
	return { status, body: `<html><head><title>${text}</title></head><body><h1>${text}</h1></body></html>`, contentType: 'text/html' };
}

/** Reading a request either yields a value or the reply that refuses the request. */
export type Outcome<T> = { ok: T; refused?: undefined } | { refused: Reply };
