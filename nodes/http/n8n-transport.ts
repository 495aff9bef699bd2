import type { ICredentialTestFunctions, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { TransportError, type HttpRequest, type HttpResponse, type HttpTransport } from '../../src/core/http';

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
	// httpRequestWithAuthentication wraps the library's error in a NodeApiError, which keeps
	// the library's code as `httpCode` and its message first in `messages`.
	const err = error as { code?: string; httpCode?: string | null; message?: string; messages?: string[]; cause?: { code?: string } };
	const code = err.code ?? err.cause?.code ?? err.httpCode ?? '';
	const original = err.messages?.find((text) => typeof text === 'string' && text);
	const message = original ?? (typeof err.message === 'string' ? err.message : 'request failed');
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
	const kind = code === 'ERR_INVALID_URL' ? 'config' : timedOut ? 'timeout' : 'network';
	return new TransportError(kind, code ? `${message} (${code})` : message);
}

/**
 * Sends core requests through n8n's helpers, so proxy and TLS settings apply. A
 * request that still needs the service's signature goes through
 * `httpRequestWithAuthentication` with the node's credential, whose `authenticate`
 * signs it: the one way a signed request leaves n8n, for the nodes and the HTTP
 * Request node alike.
 */
export function n8nTransport(ctx: IExecuteFunctions, credentialType: string): HttpTransport {
	const send = async (request: HttpRequest, options: IHttpRequestOptions) =>
		request.needsSignature
			? await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, options)
			: await ctx.helpers.httpRequest(options);
	return async (request: HttpRequest): Promise<HttpResponse> => {
		let response: { statusCode?: number; body?: unknown };
		try {
			response = (await send(request, {
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
