import { callWithRetry, DEFAULT_TIMEOUT_MS, httpError, isRecord, parseJsonBody, type CallSettings } from '../core/call';
import { explain, TrackingApiError } from '../core/tracking-api-error';
import { joinUrl, type HttpRequest, type HttpResponse, type HttpTransport } from '../core/http';
import { signKeyDeliveryRequest } from '../core/sign-request';
import { SERVICES } from '../providers/services';
import { keyDeliveryBody } from './request-body';
import { KEYDELIVERY_ERRORS } from './error-codes';
import type {
	KeyDeliveryCarrierCandidate,
	KeyDeliveryCreateParams,
	KeyDeliveryCreateResult,
	KeyDeliveryEnvelope,
	KeyDeliveryRealtimeData,
	KeyDeliveryTrackingParams,
} from './types';

export const KEYDELIVERY_DEFAULT_BASE_URL = SERVICES.keydelivery.serviceRoot;

export interface KeyDeliveryConfig extends CallSettings {
	apiKey: string;
	secret: string;
	baseUrl?: string;
	/** The transport signs (n8n's credential `authenticate`); otherwise this client signs. */
	signedByTransport?: boolean;
}

/**
 * Serializes the body once and signs exactly those bytes: the service recomputes
 * MD5(body + apiKey + secret) over what it receives, so any re-serialization
 * between signing and sending would break the signature. `body`: the text
 * `keyDeliveryBody` made, when the caller already has it (its request key).
 */
export function buildKeyDeliveryRequest(config: KeyDeliveryConfig, path: string, payload: object, body = keyDeliveryBody(payload)): HttpRequest {
	const request: HttpRequest = {
		method: 'POST',
		url: joinUrl(config.baseUrl || KEYDELIVERY_DEFAULT_BASE_URL, path),
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body,
		timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	};
	return config.signedByTransport ? { ...request, needsSignature: true } : signKeyDeliveryRequest(request, config);
}

/** Parses the `{code, message, data}` envelope; any code but 200 (and `accept`) is an error. */
export function parseKeyDeliveryEnvelope(response: HttpResponse, accept: number[] = []): KeyDeliveryEnvelope {
	const body = parseJsonBody('keydelivery', response);
	if (!isRecord(body) || body.code === undefined) {
		if (response.status < 200 || response.status >= 300) throw httpError('keydelivery', response);
		throw new TrackingApiError({
			provider: 'keydelivery',
			code: 'BAD_RESPONSE',
			explanation: {
				meaning: 'The reply is JSON but not the {code, message, data} envelope KeyDelivery documents',
				remedy: 'Check that the base URL points at KeyDelivery itself; try again later.',
				retryable: false,
			},
			responseBody: response.body.slice(0, 500),
		});
	}
	const code = Number(body.code);
	if (code === 200 || accept.includes(code)) {
		return { code, message: typeof body.message === 'string' ? body.message : '', data: body.data };
	}
	throw new TrackingApiError({
		provider: 'keydelivery',
		code: String(body.code),
		explanation: explain(KEYDELIVERY_ERRORS, String(body.code)),
		providerMessage: typeof body.message === 'string' ? body.message : undefined,
		responseBody: body,
	});
}

export function parseCreateResponse(response: HttpResponse): KeyDeliveryCreateResult {
	// 60201 "tracking already exists" makes re-running a workflow safe: a success.
	const envelope = parseKeyDeliveryEnvelope(response, [60201]);
	return { code: envelope.code, message: envelope.message, alreadyExists: envelope.code === 60201 };
}

export function parseRealtimeResponse(response: HttpResponse): KeyDeliveryRealtimeData {
	const envelope = parseKeyDeliveryEnvelope(response);
	const data = isRecord(envelope.data) ? envelope.data : {};
	return { ...data, items: Array.isArray(data.items) ? data.items : [] } as KeyDeliveryRealtimeData;
}

export function parseDetectResponse(response: HttpResponse): KeyDeliveryCarrierCandidate[] {
	const envelope = parseKeyDeliveryEnvelope(response);
	const list = Array.isArray(envelope.data) ? envelope.data : [];
	return list.filter(isRecord).map((candidate) => ({
		carrier_id: String(candidate.carrier_id ?? ''),
		carrier_name: typeof candidate.carrier_name === 'string' ? candidate.carrier_name : '',
	}));
}

/** KeyDelivery operations over an injected transport; all requests are signed here. */
export class KeyDeliveryClient {
	constructor(
		private readonly config: KeyDeliveryConfig,
		private readonly transport: HttpTransport,
	) {}

	async createTracking(params: KeyDeliveryCreateParams): Promise<KeyDeliveryCreateResult> {
		return await this.call('/api/v1/tracking/create', params, parseCreateResponse);
	}

	/** `body`: the request text when the caller built it already (the registry's `requestText`). */
	async realtime(params: KeyDeliveryTrackingParams, body?: string): Promise<KeyDeliveryRealtimeData> {
		return await this.call('/api/v1/tracking/realtime', params, parseRealtimeResponse, body);
	}

	async detectCarrier(trackingNumber: string): Promise<KeyDeliveryCarrierCandidate[]> {
		return await this.call('/api/v1/carriers/detect', { tracking_number: trackingNumber }, parseDetectResponse);
	}

	private async call<T>(path: string, payload: object, interpret: (response: HttpResponse) => T, body?: string): Promise<T> {
		const request = buildKeyDeliveryRequest(this.config, path, payload, body);
		return await callWithRetry('keydelivery', this.transport, request, interpret, this.config);
	}
}
