import { isRecord } from '../core/call';
import { constantTimeEqual, verifyKuaidi100PushSign } from '../core/signing';
import type { KeyDeliveryWebhookPayload } from '../keydelivery/types';
import type { Kuaidi100PushPayload } from '../kuaidi100/types';
import { normalizeKeyDeliveryResult, normalizeKuaidi100Result, type NormalizedShipment } from '../normalize/shipment';

/** Exactly what Kuaidi100 expects back; any other reply makes it retry. */
export const KUAIDI100_PUSH_ACK = '{"result":true,"returnCode":"200","message":"成功"}';
export const KEYDELIVERY_WEBHOOK_ACK = '{"code":200,"message":"success"}';

/** A received push: verified, parsed and normalized. */
export interface ReceivedPush {
	shipment: NormalizedShipment;
	/** Kuaidi100 `status` (polling, shutdown, abort, updateall) or KeyDelivery `event`. */
	pushStatus: string;
	pushMessage: string;
	/** Kuaidi100 corrected the carrier: the code it had and the one it uses now. */
	carrierCorrection: { from: string; to: string } | null;
	raw: Record<string, unknown>;
}

export type PushOutcome = { ok: true; push: ReceivedPush } | { ok: false; status: 400 | 401; message: string };

const rejected = (status: 400 | 401, message: string): PushOutcome => ({ ok: false, status, message });

/**
 * A Kuaidi100 push: form-encoded `param` (JSON text) and `sign`. When a salt is
 * configured, `sign` must be MD5(param + salt) over the raw `param` text; it is
 * checked before the JSON is even parsed.
 */
export function receiveKuaidi100Push(
	rawBody: string,
	salt: string | undefined,
	options: { fetchedAt?: Date; sourceTimeZone?: string } = {},
): PushOutcome {
	const form = new URLSearchParams(rawBody);
	const param = form.get('param');
	if (param === null || param.trim() === '') {
		return rejected(400, 'Not a Kuaidi100 push: the form field "param" is missing. Kuaidi100 posts application/x-www-form-urlencoded fields "param" and "sign".');
	}
	if (salt) {
		if (!verifyKuaidi100PushSign(param, form.get('sign') ?? undefined, salt)) {
			return rejected(401, 'Signature check failed: "sign" is missing or is not MD5(param + salt) for the salt in the credential.');
		}
	}
	let payload: unknown;
	try {
		payload = JSON.parse(param);
	} catch {
		return rejected(400, 'The field "param" is not valid JSON.');
	}
	if (!isRecord(payload)) return rejected(400, 'The field "param" is not a JSON object.');
	const push = payload as Kuaidi100PushPayload;
	const comOld = typeof push.comOld === 'string' ? push.comOld.trim() : '';
	const comNew = typeof push.comNew === 'string' ? push.comNew.trim() : '';
	return {
		ok: true,
		push: {
			shipment: normalizeKuaidi100Result(push.lastResult, {
				source: 'push',
				fetchedAt: options.fetchedAt,
				sourceTimeZone: options.sourceTimeZone,
				carrier: comNew || comOld || undefined,
			}),
			pushStatus: String(push.status ?? ''),
			pushMessage: String(push.message ?? ''),
			carrierCorrection: comNew && comNew !== comOld ? { from: comOld, to: comNew } : null,
			raw: payload,
		},
	};
}

/** Token check for KeyDelivery webhooks (it signs nothing): constant time, never empty. */
export function tokenMatches(received: string | undefined, expected: string): boolean {
	if (!expected || !received) return false;
	return constantTimeEqual(received, expected);
}

/** A KeyDelivery webhook body (JSON), already authenticated by its URL token. */
export function receiveKeyDeliveryWebhook(
	rawBody: string,
	options: { fetchedAt?: Date; sourceTimeZone?: string } = {},
): PushOutcome {
	let payload: unknown;
	try {
		payload = JSON.parse(rawBody);
	} catch {
		return rejected(400, 'The body is not valid JSON. KeyDelivery posts application/json.');
	}
	if (!isRecord(payload)) return rejected(400, 'The body is not a JSON object.');
	const body = payload as KeyDeliveryWebhookPayload;
	if (!body.tracking_number) return rejected(400, 'Not a KeyDelivery webhook: "tracking_number" is missing.');
	return {
		ok: true,
		push: {
			shipment: normalizeKeyDeliveryResult(body, {
				source: 'push',
				fetchedAt: options.fetchedAt,
				sourceTimeZone: options.sourceTimeZone,
			}),
			pushStatus: String(body.event ?? ''),
			pushMessage: String(body.message ?? ''),
			carrierCorrection: null,
			raw: payload,
		},
	};
}
