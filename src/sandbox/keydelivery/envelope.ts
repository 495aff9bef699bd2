/**
 * The envelope every KeyDelivery call must pass before its body is read, in the
 * service's order. Undocumented choices (deterministic): every envelope error is
 * HTTP 200; a missing or wrong Content-Type, a missing API-Key or signature header
 * 102; an unknown API key 404; an unparsable body 103; a wrong signature 104; then
 * a blocked account 106, an exhausted quota 401.
 */
import { sandboxMd5 } from '../digest';
import type { Outcome, Reply } from '../http/reply';
import { parseJsonObject, type SandboxRequest } from '../http/request';
import type { KeyDeliveryFake } from './fake';
import { keyDeliveryError } from './replies';

/** The JSON body of a request whose envelope is in order, or the reply refusing it. */
export function openEnvelope(fake: KeyDeliveryFake, request: SandboxRequest): Outcome<Record<string, unknown>> {
	const badHeaders = refuseHeaders(fake, request);
	if (badHeaders) return { refused: badHeaders };
	const body = parseJsonObject(request.body.toString('utf8'));
	if (!body) return { refused: keyDeliveryError(103) };
	// signature = MD5(body + apiKey + secret) over the raw bytes received: a body re-serialized after signing fails here.
	const { apiKey, secret } = fake.account;
	if (request.headers.signature !== sandboxMd5(request.body, apiKey, secret)) return { refused: keyDeliveryError(104) };
	if (fake.world.account.keyDeliveryBlocked) return { refused: keyDeliveryError(106) };
	if (fake.world.account.keyDeliveryQuotaExhausted) return { refused: keyDeliveryError(401) };
	return { ok: body };
}

function refuseHeaders(fake: KeyDeliveryFake, request: SandboxRequest): Reply | undefined {
	if (request.method !== 'POST') return keyDeliveryError(101);
	if (request.mediaType !== 'application/json') return keyDeliveryError(102, 'Header error: Content-Type must be application/json');
	const apiKey = request.headers['api-key'] ?? '';
	if (!apiKey) return keyDeliveryError(102, 'Header error: [API-Key] header missing');
	if (!request.headers.signature) return keyDeliveryError(102, 'Header error: [signature] header missing');
	if (apiKey !== fake.account.apiKey) return keyDeliveryError(404);
	return undefined;
}
