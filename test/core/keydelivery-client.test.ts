import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingApiError } from '../../src/core/tracking-api-error';
import { fetchTransport } from '../../src/core/http';
import type { Sleep } from '../../src/core/retry';
import { buildKeyDeliveryRequest, KeyDeliveryClient, parseKeyDeliveryEnvelope, type KeyDeliveryConfig } from '../../src/keydelivery/client';
import { normalizeKeyDeliveryResult } from '../../src/normalize/shipment';
import { SANDBOX_KEYDELIVERY, startSandbox, type Sandbox } from '../../src/sandbox';
import { md5Hex } from '../sandbox/helpers';
import { failure } from './helpers';

const USPS = { carrier_id: 'usps', tracking_number: 'LY811679807CN' };
const noSleep: Sleep = async () => {};

describe('KeyDeliveryClient against the sandbox', () => {
	let sandbox: Sandbox;
	let config: KeyDeliveryConfig;
	let client: KeyDeliveryClient;

	beforeAll(async () => {
		sandbox = await startSandbox({ revealSteps: 100 });
		config = {
			apiKey: SANDBOX_KEYDELIVERY.apiKey,
			secret: SANDBOX_KEYDELIVERY.secret,
			baseUrl: sandbox.keyDeliveryBaseUrl,
			timeoutMs: 2_000,
			retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
			sleep: noSleep,
		};
		client = new KeyDeliveryClient(config, fetchTransport);
	});
	afterAll(async () => await sandbox.close());

	it('realtime: data with items, normalized to the shipment', async () => {
		const data = await client.realtime({ ...USPS, area_show: 1 });
		expect(data).toMatchObject({ carrier_id: 'usps', tracking_number: 'LY811679807CN', order_status_code: 304 });
		expect(data.items).toHaveLength(10);
		const shipment = normalizeKeyDeliveryResult(data, { source: 'query' });
		expect(shipment.shipment_status).toBe('delivered');
		expect(shipment.events.map((e) => e.status)).toEqual([
			'delivered', 'available_for_pickup', 'out_for_delivery', 'in_transit', 'customs', 'customs', 'customs', 'in_transit', 'picked_up', 'info_received',
		]);
	});

	it('sends JSON with API-Key and signature = MD5(body + apiKey + secret) over the bytes sent', async () => {
		await client.realtime({ ...USPS, area_show: 1, phone: '', ship_to: '洛杉矶' });
		const request = sandbox.requests.at(-1);
		expect(request?.headers['content-type']).toBe('application/json');
		expect(request?.headers['api-key']).toBe(SANDBOX_KEYDELIVERY.apiKey);
		expect(request?.headers.signature).toBe(md5Hex((request?.rawBody ?? '') + SANDBOX_KEYDELIVERY.apiKey + SANDBOX_KEYDELIVERY.secret));
		expect(JSON.parse(request?.rawBody ?? '')).toEqual({ ...USPS, area_show: 1, ship_to: '洛杉矶' });
	});

	it('realtime of a number with no events yet: 60101, not retried', async () => {
		const before = sandbox.requests.length;
		const error = await failure(client.realtime({ carrier_id: 'usps', tracking_number: '9400111899223100000000' }));
		expect(error).toMatchObject({ provider: 'keydelivery', code: '60101', retryable: false, fatal: false });
		expect(sandbox.requests.length - before).toBe(1);
	});

	it('createTracking: 200, then 60201 as success (alreadyExists)', async () => {
		const params = { carrier_id: 'dhl', tracking_number: '9926933413', webhook_url: 'https://example.com/kd?token=abc', area_show: 1 as const };
		expect(await client.createTracking(params)).toEqual({ code: 200, message: 'OK', alreadyExists: false });
		expect(await client.createTracking(params)).toEqual({ code: 60201, message: 'Tracking already exists.', alreadyExists: true });
		expect(sandbox.subscriptions.filter((s) => s.provider === 'keydelivery')).toHaveLength(1);
	});

	it('detectCarrier: candidates, and 406 for an unknown number', async () => {
		expect(await client.detectCarrier('1Z999AA10123456784')).toEqual([{ carrier_id: 'ups', carrier_name: 'UPS' }]);
		expect(await failure(client.detectCarrier('QQ0'))).toMatchObject({ code: '406', retryable: false });
	});

	const cases: Array<{ name: string; code: string; fatal: boolean; run: () => Promise<unknown>; setup?: () => void; teardown?: () => void }> = [
		{ name: 'a wrong secret', code: '104', fatal: true, run: async () => await new KeyDeliveryClient({ ...config, secret: 'wrong' }, fetchTransport).realtime(USPS) },
		{ name: 'an unknown API key', code: '404', fatal: true, run: async () => await new KeyDeliveryClient({ ...config, apiKey: 'nobody' }, fetchTransport).realtime(USPS) },
		{ name: 'an exhausted quota', code: '401', fatal: true, run: async () => await client.realtime(USPS), setup: () => sandbox.setCredentials({ keyDeliveryQuotaExhausted: true }), teardown: () => sandbox.setCredentials({ keyDeliveryQuotaExhausted: false }) },
		{ name: 'a blocked account', code: '106', fatal: true, run: async () => await client.realtime(USPS), setup: () => sandbox.setCredentials({ keyDeliveryBlocked: true }), teardown: () => sandbox.setCredentials({ keyDeliveryBlocked: false }) },
		{ name: 'an unknown carrier', code: '405', fatal: false, run: async () => await client.realtime({ carrier_id: 'nosuch', tracking_number: 'LY811679807CN' }) },
		{ name: 'an empty tracking number', code: '105', fatal: false, run: async () => await client.realtime({ carrier_id: 'usps', tracking_number: '' }) },
		{ name: 'a create without webhook', code: '105', fatal: false, run: async () => await client.createTracking({ ...USPS, webhook_url: '' }) },
	];
	for (const { name, code, fatal, run, setup, teardown } of cases) {
		it(`maps code ${code} (${name}) to a non-retryable TrackingApiError`, async () => {
			setup?.();
			try {
				const before = sandbox.requests.length;
				const error = await failure(run());
				expect(error).toMatchObject({ provider: 'keydelivery', code, retryable: false, fatal });
				expect(error.meaning.length).toBeGreaterThan(5);
				expect(error.remedy.length).toBeGreaterThan(10);
				expect(error.providerMessage).toBeTruthy();
				expect(sandbox.requests.length - before).toBe(1);
			} finally {
				teardown?.();
			}
		});
	}

	it('500 is retried and then succeeds', async () => {
		sandbox.failNext('keydelivery', { code: 500 });
		const before = sandbox.requests.length;
		await expect(client.realtime(USPS)).resolves.toMatchObject({ carrier_id: 'usps' });
		expect(sandbox.requests.length - before).toBe(2);
	});

	it('slow replies time out and are retried; broken bodies are BAD_RESPONSE', async () => {
		const quick = new KeyDeliveryClient({ ...config, timeoutMs: 150 }, fetchTransport);
		sandbox.failNext('keydelivery', { delayMs: 2_000 });
		await expect(quick.realtime(USPS)).resolves.toMatchObject({ carrier_id: 'usps' });
		sandbox.failNext('keydelivery', { brokenBody: true });
		expect(await failure(client.realtime(USPS))).toMatchObject({ code: 'BAD_RESPONSE', retryable: false });
	});

	it('a body re-serialized after signing is rejected with 104; the signed bytes are accepted', async () => {
		const request = buildKeyDeliveryRequest(config, '/api/v1/tracking/realtime', USPS);
		const ok = await fetchTransport(request);
		expect(parseKeyDeliveryEnvelope(ok).code).toBe(200);
		const reserialized = { ...request, body: JSON.stringify(JSON.parse(request.body ?? ''), null, 2) };
		const rejected = await fetchTransport(reserialized);
		expect(rejected.status).toBe(200);
		const error = (() => {
			try {
				parseKeyDeliveryEnvelope(rejected);
			} catch (e) {
				return e;
			}
			return undefined;
		})();
		expect(error).toBeInstanceOf(TrackingApiError);
		expect(error).toMatchObject({ code: '104', fatal: true });
		const reordered = { ...request, body: JSON.stringify({ tracking_number: USPS.tracking_number, carrier_id: USPS.carrier_id }) };
		expect(JSON.parse((await fetchTransport(reordered)).body)).toMatchObject({ code: 104 });
	});

	it('buildKeyDeliveryRequest drops undefined and empty values, keeps 0', () => {
		const request = buildKeyDeliveryRequest(config, '/api/v1/tracking/create', { ...USPS, phone: '', ship_from: undefined, area_show: 0, webhook_url: 'https://e.com/h' });
		expect(request.body).toBe('{"carrier_id":"usps","tracking_number":"LY811679807CN","area_show":0,"webhook_url":"https://e.com/h"}');
		expect(request.headers.signature).toBe(md5Hex(`${request.body}${SANDBOX_KEYDELIVERY.apiKey}${SANDBOX_KEYDELIVERY.secret}`));
	});
});
