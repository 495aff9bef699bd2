import type { ICredentialTestFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { TransportError, type HttpRequest, type HttpResponse, type HttpTransport } from '../../src/core/http';

type HttpRequestHelper = (options: IHttpRequestOptions) => Promise<unknown>;

function bodyText(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	return JSON.stringify(body);
}

/**
 * Maps a failure below HTTP to a TransportError. Only the message is kept: the
 * library's error object holds the request, whose body carries signed credentials.
 */
function transportError(error: unknown): TransportError {
	const err = error as { code?: string; message?: string; cause?: { code?: string } };
	const code = err.code ?? err.cause?.code ?? '';
	const message = typeof err.message === 'string' ? err.message : 'request failed';
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
	const kind = code === 'ERR_INVALID_URL' ? 'config' : timedOut ? 'timeout' : 'network';
	return new TransportError(kind, code ? `${message} (${code})` : message);
}

/** Sends core requests through n8n's `httpRequest` helper, so proxy and TLS settings apply. */
export function n8nTransport(httpRequest: HttpRequestHelper): HttpTransport {
	return async (request: HttpRequest): Promise<HttpResponse> => {
		let response: { statusCode?: number; body?: unknown };
		try {
			response = (await httpRequest({
				method: request.method,
				url: request.url,
				headers: request.headers,
				// A string body is sent byte for byte: the signatures cover these exact bytes.
				body: request.body,
				timeout: request.timeoutMs,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				encoding: 'arraybuffer',
				json: false,
			})) as { statusCode?: number; body?: unknown };
		} catch (error) {
			throw transportError(error);
		}
		return { status: response.statusCode ?? 0, body: bodyText(response.body) };
	};
}

/** Credential tests only get n8n's older `request` helper. */
export function credentialTestTransport(helpers: ICredentialTestFunctions['helpers']): HttpTransport {
	return async (request: HttpRequest): Promise<HttpResponse> => {
		let response: { statusCode?: number; body?: unknown };
		try {
			response = (await helpers.request({
				method: request.method,
				uri: request.url,
				headers: request.headers,
				body: request.body,
				timeout: request.timeoutMs,
				json: false,
				resolveWithFullResponse: true,
				simple: false,
			})) as { statusCode?: number; body?: unknown };
		} catch (error) {
			throw transportError(error);
		}
		return { status: response.statusCode ?? 0, body: bodyText(response.body) };
	};
}
