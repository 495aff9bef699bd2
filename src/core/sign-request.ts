/**
 * Signs a request as the service checks it, whatever shape the sender built it in:
 * the core's own requests (a string body), n8n's node helpers (`body` as text or
 * fields) and the HTTP Request node (`form` fields, a raw `body` string, or a JSON
 * object). The body is turned into the exact text that goes on the wire first, and
 * that text is what is signed. The request given is left as it was: a copy is
 * returned, so the signed parts never reach the caller's options (n8n shows those
 * in the execution data and in errors).
 */
import { keyDeliverySignature, kuaidi100KeySecretSign, kuaidi100RequestSign } from './signing';

/** The parts of a request this file reads or writes; everything else is kept as it is. */
export interface SignableRequest {
	headers?: Record<string, unknown>;
	body?: unknown;
	form?: unknown;
}

/** What signing sets: the exact body text and the headers that go with it. */
export interface SignedParts {
	body: string;
	headers: Record<string, string>;
}

export interface Kuaidi100Signer {
	customer: string;
	key: string;
	/** Only the key-and-secret endpoints need it. */
	secret?: string;
}

export interface KeyDeliverySigner {
	apiKey: string;
	secret: string;
}

const FORM = 'application/x-www-form-urlencoded';

/** Headers without any spelling of the named ones, then the given ones. */
function withHeaders(headers: Record<string, unknown> | undefined, set: Record<string, string>): Record<string, string> {
	const replaced = new Set(Object.keys(set).map((name) => name.toLowerCase()));
	const kept = Object.entries(headers ?? {}).filter(([name]) => !replaced.has(name.toLowerCase()));
	return { ...(Object.fromEntries(kept) as Record<string, string>), ...set };
}

function fieldText(value: unknown): string {
	if (typeof value === 'string') return value;
	// A param given as an object (JSON in the HTTP Request node) is sent as JSON text.
	return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value ?? '');
}

/** The form fields of a request, in order, from any of the shapes senders use. */
function formFields(request: SignableRequest): Array<[string, string]> {
	const source = request.form ?? request.body;
	if (typeof source === 'string') return [...new URLSearchParams(source)];
	if (Buffer.isBuffer(source)) return [...new URLSearchParams(source.toString('utf8'))];
	if (source instanceof URLSearchParams) return [...source];
	if (source !== null && typeof source === 'object') return Object.entries(source).map(([name, value]) => [name, fieldText(value)]);
	return [];
}

/**
 * Kuaidi100: a form whose `param` is JSON text. With `customer` scheme (the query
 * endpoints): customer and sign = MD5(param + key + customer). When the form names
 * `key` or `t` (the key-and-secret endpoints): key, t (now, in ms, unless given) and
 * sign = MD5(param + t + key + secret). Either way over the `param` text sent.
 */
export function signKuaidi100Request<T extends SignableRequest>(request: T, signer: Kuaidi100Signer, now: () => number = Date.now): T & SignedParts {
	const fields = formFields(request);
	const value = (name: string) => fields.find(([field]) => field === name)?.[1];
	const param = value('param');
	if (!param) throw new Error('Kuaidi100 signs the form field "param": send the request as a form with a field named param holding the JSON text.');
	const keySecret = value('key') !== undefined || value('t') !== undefined;
	let signed: Array<[string, string]>;
	if (keySecret) {
		if (!signer.secret) throw new Error('This Kuaidi100 endpoint signs with key, t and the Secret: fill in Secret in the Kuaidi100 credential (enterprise console, company information).');
		const t = value('t') || String(now());
		signed = [['key', signer.key], ['t', t], ['sign', kuaidi100KeySecretSign(param, t, signer.key, signer.secret)]];
	} else {
		signed = [['customer', signer.customer], ['sign', kuaidi100RequestSign(param, signer.key, signer.customer)]];
	}
	const own = new Set(['customer', 'key', 't', 'sign']);
	const body = new URLSearchParams([...signed, ...fields.filter(([name]) => !own.has(name))]).toString();
	const signedRequest = { ...request, body, headers: withHeaders(request.headers, { 'Content-Type': FORM }) };
	// The fields are in the body now; a `form` left beside it would be sent instead.
	delete signedRequest.form;
	return signedRequest as T & SignedParts;
}

/** The exact JSON text of a body: text as given, fields serialized once. */
function jsonText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body === undefined || body === null) throw new Error('KeyDelivery signs the JSON body: send the request with a JSON body.');
	return JSON.stringify(body);
}

/** KeyDelivery: a JSON body; API-Key and signature = MD5(body + apiKey + secret) over the exact text sent. */
export function signKeyDeliveryRequest<T extends SignableRequest>(request: T, signer: KeyDeliverySigner): T & SignedParts {
	const body = jsonText(request.body);
	const headers = withHeaders(request.headers, {
		'Content-Type': 'application/json',
		'API-Key': signer.apiKey,
		signature: keyDeliverySignature(body, signer.apiKey, signer.secret),
	});
	return { ...request, body, headers };
}
