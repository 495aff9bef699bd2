import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_KEYDELIVERY, startSandbox, type Sandbox } from '../../src/sandbox';
import { md5Hex, postKeyDelivery, send, startReceiver } from './helpers';

const USPS = { carrier_id: 'usps', tracking_number: 'LY811679807CN' };
const REALTIME = '/api/v1/tracking/realtime';
const CREATE = '/api/v1/tracking/create';
const DETECT = '/api/v1/carriers/detect';

describe('KeyDelivery sandbox', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ revealSteps: 3 });
	});
	afterAll(async () => await sandbox.close());

	const call = async (...args: Parameters<typeof postKeyDelivery> extends [string, ...infer Rest] ? Rest : never) => {
		const reply = await postKeyDelivery(sandbox.keyDeliveryBaseUrl, ...args);
		expect(reply.status).toBe(200); // envelope errors come with HTTP 200
		return JSON.parse(reply.text) as { code: number; message: string; data?: unknown };
	};

	it('realtime answers the envelope with data and items (area_show=1), newest first', async () => {
		const body = await call(REALTIME, { ...USPS, area_show: 1 });
		expect(body.code).toBe(200);
		expect(body.message).toBe('OK');
		expect(body.data).toEqual({
			carrier_id: 'usps',
			tracking_number: 'LY811679807CN',
			order_status_code: 1002,
			items: [
				{ context: 'Departed origin facility, in transit to next facility', time: '2024-05-02 06:05:00', order_status_code: '1002', order_status_description: 'In transit', area_name: 'Toronto, Canada', location: 'Toronto, ON' },
				{ context: 'Accepted at origin facility', time: '2024-05-01 18:40:00', order_status_code: '1', order_status_description: 'Collected', area_name: 'Toronto, Canada', location: 'Toronto, ON' },
				{ context: 'Shipping label created, USPS awaiting item', time: '2024-05-01 09:12:00', order_status_code: '101', order_status_description: 'Ordered', area_name: 'Toronto, Canada', location: 'Toronto, ON' },
			],
		});
	});

	it('realtime without area_show: "null" strings, no item codes; order=asc honoured; carrier id case-insensitive', async () => {
		const body = await call(REALTIME, { carrier_id: 'USPS', tracking_number: USPS.tracking_number, order: 'asc' });
		const data = body.data as { carrier_id: string; items: Array<Record<string, unknown>> };
		expect(data.carrier_id).toBe('USPS');
		expect(data.items[0]).toEqual({ context: 'Shipping label created, USPS awaiting item', time: '2024-05-01 09:12:00', area_name: 'null', location: 'null' });
	});

	it('create answers 200, then 60201 for the same tracking; records the webhook', async () => {
		const body = { ...USPS, webhook_url: 'https://example.com/hook?token=t1', area_show: 1 };
		expect(await call(CREATE, body)).toEqual({ code: 200, message: 'OK' });
		expect(await call(CREATE, body)).toEqual({ code: 60201, message: 'Tracking already exists.' });
		expect(sandbox.subscriptions.filter((s) => s.provider === 'keydelivery')).toMatchObject([
			{ carrier: 'usps', trackingNumber: 'LY811679807CN', callbackUrl: 'https://example.com/hook?token=t1', areaShow: true },
		]);
	});

	it('detect answers candidates for known numbers and 406 otherwise', async () => {
		expect(await call(DETECT, { tracking_number: '9926933413' })).toEqual({ code: 200, message: 'OK', data: [{ carrier_id: 'dhl', carrier_name: 'DHL Express' }] });
		expect(await call(DETECT, { tracking_number: 'QQ12' })).toMatchObject({ code: 406 });
		expect(await call(DETECT, {})).toMatchObject({ code: 105 });
	});

	const cases: Array<[string, () => Promise<{ code: number }>, number]> = [
		['a GET', async () => JSON.parse((await postKeyDelivery(sandbox.keyDeliveryBaseUrl, REALTIME, USPS, { method: 'GET' })).text), 101],
		['a form Content-Type', async () => await call(REALTIME, USPS, { contentType: 'application/x-www-form-urlencoded' }), 102],
		['no API-Key header', async () => await call(REALTIME, USPS, { omit: ['API-Key'] }), 102],
		['no signature header', async () => await call(REALTIME, USPS, { omit: ['signature'] }), 102],
		['an unknown API key', async () => await call(REALTIME, USPS, { apiKey: 'someone-else' }), 404],
		['a body that is not JSON', async () => await call(REALTIME, '{"carrier_id":"usps",'), 103],
		['a signature with the wrong secret', async () => await call(REALTIME, USPS, { secret: 'wrong' }), 104],
		['a lower-case signature', async () => {
			const text = JSON.stringify(USPS);
			return await call(REALTIME, text, { signature: md5Hex(text + SANDBOX_KEYDELIVERY.apiKey + SANDBOX_KEYDELIVERY.secret).toLowerCase() });
		}, 104],
		['a body re-serialized after signing', async () => {
			const signed = JSON.stringify(USPS);
			const signature = md5Hex(signed + SANDBOX_KEYDELIVERY.apiKey + SANDBOX_KEYDELIVERY.secret);
			return await call(REALTIME, JSON.stringify(USPS, null, 2), { signature });
		}, 104],
		['a missing tracking_number', async () => await call(REALTIME, { carrier_id: 'usps' }), 105],
		['a missing carrier_id', async () => await call(REALTIME, { tracking_number: USPS.tracking_number }), 105],
		['create without webhook_url', async () => await call(CREATE, { carrier_id: 'dhl', tracking_number: '9926933413' }), 105],
		['create with a webhook_url that is not a URL', async () => await call(CREATE, { carrier_id: 'dhl', tracking_number: '9926933413', webhook_url: 'hook' }), 105],
		['an unknown carrier_id (realtime)', async () => await call(REALTIME, { carrier_id: 'nosuch', tracking_number: USPS.tracking_number }), 405],
		['an unknown carrier_id (create)', async () => await call(CREATE, { carrier_id: 'nosuch', tracking_number: 'X12345678', webhook_url: 'https://e.com/h' }), 405],
		['an unknown number', async () => await call(REALTIME, { carrier_id: 'usps', tracking_number: 'NOPE12345' }), 60101],
		['a number with no events yet', async () => await call(REALTIME, { carrier_id: 'usps', tracking_number: '9400111899223100000000' }), 60101],
	];
	for (const [name, run, code] of cases) {
		it(`answers code ${code} for ${name}`, async () => {
			const body = await run();
			expect(body.code).toBe(code);
		});
	}

	it('accepts a Content-Type with a charset and signs over raw UTF-8 bytes', async () => {
		const text = JSON.stringify({ ...USPS, ship_to: '北京 Beijing' });
		expect(await call(REALTIME, text, { contentType: 'application/json; charset=utf-8' })).toMatchObject({ code: 200 });
	});

	it('answers 401 while the quota is exhausted and 106 while blocked', async () => {
		sandbox.setCredentials({ keyDeliveryQuotaExhausted: true });
		expect(await call(REALTIME, USPS)).toEqual({ code: 401, message: 'Unauthorized' });
		sandbox.setCredentials({ keyDeliveryQuotaExhausted: false, keyDeliveryBlocked: true });
		expect(await call(REALTIME, USPS)).toMatchObject({ code: 106 });
		sandbox.setCredentials({ keyDeliveryBlocked: false });
		expect(await call(REALTIME, USPS)).toMatchObject({ code: 200 });
	});

	it('has no lockout: the same number twice is fine', async () => {
		expect((await call(REALTIME, USPS)).code).toBe(200);
		expect((await call(REALTIME, USPS)).code).toBe(200);
	});

	it('serves only its own paths', async () => {
		expect((await send(`${sandbox.keyDeliveryBaseUrl}/poll/query.do`, { body: 'x' })).status).toBe(404);
	});

	it('pushNow posts the webhook JSON to the webhook_url', async () => {
		const receiver = await startReceiver({ status: 200, body: '{"code":200,"message":"success"}' });
		try {
			await call(CREATE, { carrier_id: 'dhl', tracking_number: '9926933413', webhook_url: `${receiver.url}/kd/secret-token`, area_show: 1 });
			const result = await sandbox.pushNow('9926933413', { provider: 'keydelivery' });
			expect(result.acknowledged).toBe(true);
			const received = receiver.received[0];
			expect(received.url).toBe('/kd/secret-token');
			expect(received.headers['content-type']).toBe('application/json');
			expect(received.headers.signature).toBeUndefined();
			const body = JSON.parse(received.body) as Record<string, unknown>;
			expect(body).toMatchObject({ carrier_id: 'dhl', tracking_number: '9926933413', order_status_code: 8, signer: 0 });
			expect(body.items).toHaveLength(3);
		} finally {
			await receiver.close();
		}
	});

	it('a webhook not answered with HTTP 200 is not acknowledged', async () => {
		const receiver = await startReceiver({ status: 401, body: 'unauthorized' });
		try {
			await call(CREATE, { carrier_id: 'fedex', tracking_number: '772345678901', webhook_url: `${receiver.url}/kd` });
			expect((await sandbox.pushNow('772345678901')).acknowledged).toBe(false);
		} finally {
			await receiver.close();
		}
	});
});
