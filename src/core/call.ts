import { LOCAL_ERRORS, TrackingApiError, httpStatusExplanation, type Provider } from './tracking-api-error';
import { TransportError, type HttpRequest, type HttpResponse, type HttpTransport } from './http';
import { DEFAULT_RETRY, withRetry, type RetryOptions, type Sleep } from './retry';
import { settle, settleSync } from './settle';

/** Settings every client accepts; all optional with service-friendly defaults. */
export interface CallSettings {
	timeoutMs?: number;
	retry?: RetryOptions;
	/** How to wait between retries: n8n's `sleep` in nodes, `timerSleep` elsewhere. */
	sleep: Sleep;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Sends one request through the injected transport and interprets the reply,
 * retrying (with backoff) exactly the failures marked retryable: transport
 * failures, timeouts, HTTP 5xx, and the provider codes its table marks so.
 */
export async function callWithRetry<T>(
	provider: Provider,
	transport: HttpTransport,
	request: HttpRequest,
	interpret: (response: HttpResponse) => T,
	settings: CallSettings,
): Promise<T> {
	return await withRetry(
		async () => {
			const sent = await settle(() => transport(request));
			if (!sent.ok) throw transportFailure(provider, sent.error);
			return interpret(sent.value);
		},
		(error) => error instanceof TrackingApiError && error.retryable,
		settings.sleep,
		settings.retry ?? DEFAULT_RETRY,
	);
}

/**
 * Parses a JSON reply body. Non-2xx statuses whose body is not a provider
 * envelope become HTTP_<status> errors; unparsable bodies become BAD_RESPONSE.
 */
export function parseJsonBody(provider: Provider, response: HttpResponse): unknown {
	const parsed = settleSync((): unknown => JSON.parse(response.body));
	if (parsed.ok) return parsed.value;
	if (response.status < 200 || response.status >= 300) throw httpError(provider, response);
	throw new TrackingApiError({
		provider,
		code: 'BAD_RESPONSE',
		explanation: LOCAL_ERRORS.BAD_RESPONSE,
		providerMessage: truncate(response.body),
		cause: parsed.error,
	});
}

/** A transport failure (below HTTP) as the provider's error: NETWORK, TIMEOUT or BAD_URL. */
function transportFailure(provider: Provider, error: unknown): TrackingApiError {
	if (error instanceof TrackingApiError) return error;
	const kind = error instanceof TransportError ? error.kind : 'network';
	const code = ({ timeout: 'TIMEOUT', network: 'NETWORK', config: 'BAD_URL' } as const)[kind];
	return new TrackingApiError({ provider, code, explanation: LOCAL_ERRORS[code], providerMessage: (error as Error)?.message, cause: error });
}

export function httpError(provider: Provider, response: HttpResponse): TrackingApiError {
	return new TrackingApiError({
		provider,
		code: `HTTP_${response.status}`,
		explanation: httpStatusExplanation(response.status, provider),
		providerMessage: truncate(response.body),
	});
}

function truncate(text: string, max = 200): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
