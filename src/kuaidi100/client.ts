import { callWithRetry, DEFAULT_TIMEOUT_MS, httpError, isRecord, parseJsonBody, type CallSettings } from '../core/call';
import { explain, TrackingApiError, type ErrorExplanation } from '../core/tracking-api-error';
import { joinUrl, type HttpRequest, type HttpResponse, type HttpTransport } from '../core/http';
import { signKuaidi100Request } from '../core/sign-request';
import { SERVICES } from '../providers/services';
import { buildQueryParam } from './query-param';
import { KUAIDI100_DETECT_ERRORS, KUAIDI100_LOCKED, KUAIDI100_QUERY_ERRORS, KUAIDI100_SUBSCRIBE_ERRORS, isLockedMessage } from './error-codes';
import type {
	Kuaidi100CarrierCandidate,
	Kuaidi100QueryParams,
	Kuaidi100QueryResult,
	Kuaidi100SubscribeParams,
	Kuaidi100SubscribeResult,
} from './types';

export const KUAIDI100_DEFAULT_BASE_URL = SERVICES.kuaidi100.serviceRoot;
/** Auto-detection lives on another host than the poll endpoints. */
export const KUAIDI100_DEFAULT_AUTONUMBER_BASE_URL = 'https://www.kuaidi100.com';

export interface Kuaidi100Config extends CallSettings {
	customer: string;
	key: string;
	baseUrl?: string;
	autonumberBaseUrl?: string;
	/** The transport signs (n8n's credential `authenticate`); otherwise this client signs. */
	signedByTransport?: boolean;
}

/** A request of the customer scheme, signed here or marked for the transport to sign. */
function signed(config: Kuaidi100Config, request: HttpRequest): HttpRequest {
	return config.signedByTransport ? { ...request, needsSignature: true } : signKuaidi100Request(request, config);
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * A signed query (or map track) request: sign = MD5(param + key + customer). `param`
 * is the text `buildQueryParam` made, when the caller already has it (its request key).
 */
export function buildQueryRequest(
	config: Kuaidi100Config,
	params: Kuaidi100QueryParams,
	path = '/poll/query.do',
	param = buildQueryParam(params),
): HttpRequest {
	return signed(config, {
		method: 'POST',
		url: joinUrl(config.baseUrl || KUAIDI100_DEFAULT_BASE_URL, path),
		headers: { 'Content-Type': FORM, Accept: 'application/json' },
		body: new URLSearchParams({ param }).toString(),
		timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	});
}

export function buildSubscribeRequest(config: Kuaidi100Config, params: Kuaidi100SubscribeParams): HttpRequest {
	const parameters: Record<string, string> = { callbackurl: params.callbackUrl };
	const optional: Record<string, string | undefined> = {
		salt: params.salt,
		resultv2: params.resultv2,
		autoCom: params.autoCom ? '1' : undefined,
		interCom: params.interCom ? '1' : undefined,
		departureCountry: params.departureCountry,
		departureCom: params.departureCom,
		destinationCountry: params.destinationCountry,
		destinationCom: params.destinationCom,
		phone: params.phone,
	};
	for (const [name, value] of Object.entries(optional)) {
		if (value !== undefined && value !== '') parameters[name] = value;
	}
	const param: Record<string, unknown> = { company: params.company ?? '', number: params.number };
	if (params.from) param.from = params.from;
	if (params.to) param.to = params.to;
	param.key = config.key;
	param.parameters = parameters;
	return {
		method: 'POST',
		url: joinUrl(config.baseUrl || KUAIDI100_DEFAULT_BASE_URL, '/poll'),
		headers: { 'Content-Type': FORM, Accept: 'application/json' },
		body: new URLSearchParams({ schema: 'json', param: JSON.stringify(param) }).toString(),
		timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	};
}

export function buildDetectRequest(config: Kuaidi100Config, num: string): HttpRequest {
	const query = new URLSearchParams({ num, key: config.key }).toString();
	return {
		method: 'GET',
		url: `${joinUrl(config.autonumberBaseUrl || KUAIDI100_DEFAULT_AUTONUMBER_BASE_URL, '/autonumber/auto')}?${query}`,
		headers: { Accept: 'application/json' },
		timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	};
}

/** Kuaidi100 reports failures inside HTTP 200 bodies: `{result:false, returnCode, message}`. */
function providerError(table: Record<string, ErrorExplanation>, body: Record<string, unknown>): TrackingApiError {
	const code = String(body.returnCode ?? body.status ?? 'UNKNOWN');
	return new TrackingApiError({
		provider: 'kuaidi100',
		code,
		explanation: explain(table, code),
		providerMessage: typeof body.message === 'string' ? body.message : undefined,
		responseBody: body,
	});
}

export function parseQueryResponse(response: HttpResponse): Kuaidi100QueryResult {
	const body = parseJsonBody('kuaidi100', response);
	if (!isRecord(body)) throw httpOrShapeError(response);
	const failed = body.result === false || (body.returnCode !== undefined && String(body.returnCode) !== '200');
	if (failed) {
		const error = providerError(KUAIDI100_QUERY_ERRORS, body);
		throw isLockedMessage(body.message) ? providerError({ [error.code]: KUAIDI100_LOCKED }, body) : error;
	}
	if (response.status < 200 || response.status >= 300) throw httpError('kuaidi100', response);
	if (!Array.isArray(body.data)) throw httpOrShapeError(response);
	return body as unknown as Kuaidi100QueryResult;
}

export function parseSubscribeResponse(response: HttpResponse): Kuaidi100SubscribeResult {
	const body = parseJsonBody('kuaidi100', response);
	if (!isRecord(body)) throw httpOrShapeError(response);
	const code = String(body.returnCode ?? '');
	// 501 "already subscribed" is what a re-run of the same workflow gets: a success.
	if (code === '200' || code === '501') {
		return {
			result: true,
			returnCode: code,
			message: typeof body.message === 'string' ? body.message : '',
			alreadySubscribed: code === '501',
		};
	}
	throw providerError(KUAIDI100_SUBSCRIBE_ERRORS, body);
}

export function parseDetectResponse(response: HttpResponse): Kuaidi100CarrierCandidate[] {
	const body = parseJsonBody('kuaidi100', response);
	if (Array.isArray(body)) {
		return body.filter(isRecord).map((candidate) => ({
			comCode: String(candidate.comCode ?? ''),
			name: typeof candidate.name === 'string' ? candidate.name : '',
		}));
	}
	if (isRecord(body) && (body.returnCode !== undefined || body.result === false)) {
		throw providerError(KUAIDI100_DETECT_ERRORS, body);
	}
	throw httpOrShapeError(response);
}

function httpOrShapeError(response: HttpResponse): TrackingApiError {
	if (response.status < 200 || response.status >= 300) return httpError('kuaidi100', response);
	return new TrackingApiError({
		provider: 'kuaidi100',
		code: 'BAD_RESPONSE',
		explanation: {
			meaning: 'The reply is JSON but not in the shape Kuaidi100 documents',
			remedy: 'Check that the base URL points at Kuaidi100 itself; try again later.',
			retryable: false,
		},
		responseBody: response.body.slice(0, 500),
	});
}

/** Kuaidi100 operations over an injected transport; all requests are signed here. */
export class Kuaidi100Client {
	constructor(
		private readonly config: Kuaidi100Config,
		private readonly transport: HttpTransport,
	) {}

	/** `param`: the request text when the caller built it already (the registry's `requestText`). */
	async query(params: Kuaidi100QueryParams, param?: string): Promise<Kuaidi100QueryResult> {
		return await this.call(buildQueryRequest(this.config, params, '/poll/query.do', param), parseQueryResponse);
	}

	async mapTrack(params: Kuaidi100QueryParams, param?: string): Promise<Kuaidi100QueryResult> {
		return await this.call(buildQueryRequest(this.config, params, '/poll/maptrack.do', param), parseQueryResponse);
	}

	async subscribe(params: Kuaidi100SubscribeParams): Promise<Kuaidi100SubscribeResult> {
		return await this.call(buildSubscribeRequest(this.config, params), parseSubscribeResponse);
	}

	async detectCarrier(num: string): Promise<Kuaidi100CarrierCandidate[]> {
		return await this.call(buildDetectRequest(this.config, num), parseDetectResponse);
	}

	private async call<T>(request: HttpRequest, interpret: (response: HttpResponse) => T): Promise<T> {
		return await callWithRetry('kuaidi100', this.transport, request, interpret, this.config);
	}
}
