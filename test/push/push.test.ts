import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { receiveKeyDeliveryWebhook, receiveKuaidi100Push, tokenMatches } from '../../src/push/receive';

const SALT = 'push-salt';
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();

function lastResult(events: Array<{ time: string; statusCode: string; context: string }>, state: string) {
	return {
		message: 'ok',
		nu: 'YT7450353838751',
		com: 'yuantong',
		state,
		status: '200',
		data: events.map((e) => ({ ...e, ftime: e.time, status: '', areaCenter: null })),
	};
}

function pushBody(param: string, sign?: string): string {
	const form = new URLSearchParams({ param });
	if (sign !== undefined) form.set('sign', sign);
	return form.toString();
}

const inTransit = { time: '2024-03-08 17:04:19', statusCode: '1002', context: 'Arrived at Tianjin Transfer Center' };

describe('receiveKuaidi100Push', () => {
	const param = JSON.stringify({ status: 'polling', message: '', comOld: '', comNew: '', lastResult: lastResult([inTransit], '1002') });

	it('accepts a push signed with MD5(param + salt) over the raw param text', () => {
		const outcome = receiveKuaidi100Push(pushBody(param, md5(param + SALT)), SALT);
		expect(outcome.ok).toBe(true);
		if (!outcome.ok) return;
		expect(outcome.push.pushStatus).toBe('polling');
		expect(outcome.push.shipment.source).toBe('push');
		expect(outcome.push.shipment.events[0].event_time).toBe('2024-03-08T09:04:19.000Z');
	});

	it('rejects a forged or missing sign with 401 when a salt is set', () => {
		const forged = receiveKuaidi100Push(pushBody(param, md5(param + 'other-salt')), SALT);
		expect(forged).toMatchObject({ ok: false, status: 401 });
		const missing = receiveKuaidi100Push(pushBody(param), SALT);
		expect(missing).toMatchObject({ ok: false, status: 401 });
	});

	it('accepts an unsigned push when no salt is configured', () => {
		expect(receiveKuaidi100Push(pushBody(param), undefined).ok).toBe(true);
	});

	it('rejects a body without param, or with param that is not JSON, with 400', () => {
		expect(receiveKuaidi100Push('hello=world', undefined)).toMatchObject({ ok: false, status: 400 });
		const broken = '{"status":"polling",';
		expect(receiveKuaidi100Push(pushBody(broken, md5(broken + SALT)), SALT)).toMatchObject({ ok: false, status: 400 });
	});

	it('reports a carrier correction', () => {
		const corrected = JSON.stringify({ status: 'polling', comOld: 'yunda', comNew: 'yuantong', lastResult: lastResult([inTransit], '1002') });
		const outcome = receiveKuaidi100Push(pushBody(corrected), undefined);
		expect(outcome.ok && outcome.push.carrierCorrection).toEqual({ from: 'yunda', to: 'yuantong' });
	});
});

describe('receiveKeyDeliveryWebhook and tokenMatches', () => {
	it('parses a webhook body, turning "null" strings into empty fields', () => {
		const body = JSON.stringify({
			event: 'tracking_update',
			message: 'ok',
			carrier_id: 'usps',
			tracking_number: 'LY811679807CN',
			order_status_code: '3',
			items: [{ time: '2024-03-09 10:47:53', context: 'Delivered', order_status_code: '3', order_status_description: 'Delivered', area_name: 'null', location: 'null' }],
		});
		const outcome = receiveKeyDeliveryWebhook(body);
		expect(outcome.ok).toBe(true);
		if (!outcome.ok) return;
		expect(outcome.push.shipment.shipment_status).toBe('delivered');
		expect(outcome.push.shipment.events[0]).toMatchObject({ provider: 'keydelivery', area_name: '', location: '', status: 'delivered' });
	});

	it('rejects bodies that are not JSON or not a webhook', () => {
		expect(receiveKeyDeliveryWebhook('{oops')).toMatchObject({ ok: false, status: 400 });
		expect(receiveKeyDeliveryWebhook('{"event":"x"}')).toMatchObject({ ok: false, status: 400 });
	});

	it('compares tokens exactly and never accepts an empty one', () => {
		expect(tokenMatches('s3cret-token', 's3cret-token')).toBe(true);
		expect(tokenMatches('s3cret-tokeN', 's3cret-token')).toBe(false);
		expect(tokenMatches('s3cret', 's3cret-token')).toBe(false);
		expect(tokenMatches(undefined, 's3cret-token')).toBe(false);
		expect(tokenMatches('', '')).toBe(false);
	});
});
