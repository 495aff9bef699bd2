/**
 * The pushes Kuaidi100 POSTs to a subscription's callback URL: form-encoded
 * `param` (JSON), signed with the subscription's salt when it has one.
 */
import { parseJsonObject } from '../http/request';
import type { BuiltPush, PushInput, Pusher } from '../push';
import { basicStatusCode } from '../status-codes';
import type { SandboxEvent } from '../types';
import { sandboxMd5 } from '../digest';
import { renderKuaidi100Result } from './render';

export interface Kuaidi100PushInput {
	/** A query-shaped result (renderKuaidi100Result gives one). */
	lastResult: unknown;
	/** polling | shutdown | abort | updateall */
	status: string;
	/** When given, the push carries sign = MD5(param + salt), upper-case hex. */
	salt?: string;
	message?: string;
	billstatus?: string;
	autoCheck?: string;
	comOld?: string;
	comNew?: string;
	destResult?: unknown;
}

/**
 * A Kuaidi100 push exactly as Kuaidi100 POSTs it to a callback URL:
 * form-encoded `param` (JSON) and, when a salt was given at subscribe time,
 * `sign` = upper-case hex MD5(param + salt) over the raw param text.
 */
export function buildKuaidi100Push(input: Kuaidi100PushInput): BuiltPush & { param: string; sign?: string } {
	const payload: Record<string, unknown> = { status: input.status };
	if (input.billstatus !== undefined) payload.billstatus = input.billstatus;
	payload.message = input.message ?? '';
	payload.autoCheck = input.autoCheck ?? '0';
	payload.comOld = input.comOld ?? '';
	payload.comNew = input.comNew ?? '';
	payload.lastResult = input.lastResult;
	if (input.destResult !== undefined) payload.destResult = input.destResult;
	const param = JSON.stringify(payload);
	const form = new URLSearchParams({ param });
	let sign: string | undefined;
	if (input.salt !== undefined && input.salt !== '') {
		sign = sandboxMd5(param, input.salt);
		form.set('sign', sign);
	}
	return { body: form.toString(), contentType: 'application/x-www-form-urlencoded', param, sign };
}

/** polling while under way, shutdown once delivered or returned, abort when nothing was ever found. */
function pushStatus(events: SandboxEvent[]): string {
	if (events.length === 0) return 'abort';
	const basic = basicStatusCode(events[events.length - 1].statusCode);
	return basic === '3' || basic === '4' ? 'shutdown' : 'polling';
}

export const kuaidi100Pusher: Pusher = {
	build({ subscription, shipment, visible, events, options, now }: PushInput): BuiltPush {
		const status = options.status ?? pushStatus(events);
		return buildKuaidi100Push({
			status,
			message: options.message ?? (status === 'abort' ? '3天查询无记录' : ''),
			salt: subscription.salt,
			lastResult: renderKuaidi100Result(shipment, { visible, resultv2: subscription.resultv2, now }),
		});
	},
	/** Kuaidi100 needs HTTP 200 and a JSON body with result true and returnCode "200", or it pushes again. */
	acknowledged(status: number, responseBody: string): boolean {
		if (status !== 200) return false;
		const parsed = parseJsonObject(responseBody);
		return parsed !== undefined && parsed.result === true && String(parsed.returnCode) === '200';
	},
};
