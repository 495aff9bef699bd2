/**
 * Pushes for the trigger e2e files: signed Kuaidi100 "delivered" pushes of distinct
 * parcels (the sandbox's sample shipment under other numbers), sent to n8n's
 * production webhook URLs over real HTTP.
 */
import {
	buildKeyDeliveryWebhook,
	buildKuaidi100Push,
	renderKuaidi100Result,
	sampleShipments,
	SANDBOX_KUAIDI100,
	type BuiltPush,
	type SandboxShipment,
} from '../../../src/sandbox';

export const KUAIDI100_ACK = '{"result":true,"returnCode":"200","message":"成功"}';
export const KEYDELIVERY_ACK = '{"code":200,"message":"success"}';

function sample(trackingNumber: string): SandboxShipment {
	const found = sampleShipments().find((s) => s.trackingNumber === trackingNumber);
	if (!found) throw new Error(`no sample shipment ${trackingNumber}`);
	return found;
}

/** A delivered Yuantong parcel (ends signed for at a locker) under its own number. */
export function deliveredParcel(prefix: string, i: number): SandboxShipment {
	return { ...sample('YT7450353838751'), trackingNumber: `${prefix}${String(i).padStart(10, '0')}` };
}

/** What Kuaidi100 posts when a subscribed parcel is delivered, signed with the sandbox salt. */
export function deliveredPush(shipment: SandboxShipment): BuiltPush {
	return buildKuaidi100Push({
		status: 'shutdown',
		salt: SANDBOX_KUAIDI100.salt,
		lastResult: renderKuaidi100Result(shipment, { resultv2: '4', lang: 'en' }),
	});
}

export function keyDeliveryDelivered(): BuiltPush {
	const shipment = sample('LY811679807CN');
	return buildKeyDeliveryWebhook({ carrier_id: shipment.carrier, tracking_number: shipment.trackingNumber, events: shipment.timeline });
}

/** Posts one push; with `timeoutMs`, gives up (throws) when no reply came by then, as a service would. */
export async function send(url: string, push: BuiltPush, timeoutMs?: number): Promise<{ status: number; body: string }> {
	const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': push.contentType }, body: push.body, signal });
	return { status: response.status, body: await response.text() };
}

/** Sends `pushes` in waves of `width` at once; `urls` are used in turn (a load balancer's round robin). */
export async function sendInWaves(urls: string[], pushes: BuiltPush[], width: number): Promise<Array<{ status: number; body: string }>> {
	const results: Array<{ status: number; body: string }> = [];
	let next = 0;
	for (let i = 0; i < pushes.length; i += width) {
		const wave = pushes.slice(i, i + width).map(async (push) => await send(urls[next++ % urls.length], push));
		results.push(...(await Promise.all(wave)));
	}
	return results;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
