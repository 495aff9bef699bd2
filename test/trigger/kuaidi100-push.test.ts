/**
 * Issue 4, Kuaidi100 side: pushes built exactly as Kuaidi100 sends them (form-encoded
 * `param` + MD5(param + salt) `sign`), posted over HTTP to the Tracking Webhook Trigger
 * served through n8n-core's WebhookContext. Every case checks the HTTP reply (status
 * and exact body) and what would start the workflow.
 */
import { describe, expect, it } from 'vitest';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { Kuaidi100Api } from '../../credentials/Kuaidi100Api.credentials';
import { TrackingWebhookTrigger } from '../../nodes/TrackingWebhookTrigger/TrackingWebhookTrigger.node';
import { sandboxMd5 } from '../../src/sandbox';
import { runWebhook } from '../harness/n8n';
import {
	asRequest,
	CREDENTIAL,
	emitted,
	expectNoSecrets,
	expectRejected,
	expectReply,
	ISO_TIME,
	kuaidi100Push,
	KUAIDI100_ACK,
	SALT,
	sample,
	withTrigger,
} from './helpers';

const FORM = 'application/x-www-form-urlencoded';
const YUANTONG = 'YT7450353838751';

const BAD_SIGN = {
	result: false,
	returnCode: '401',
	message: 'Signature check failed: "sign" is missing or is not MD5(param + salt) for the salt in the credential.',
};
const NO_PARAM = {
	result: false,
	returnCode: '400',
	message:
		'Not a Kuaidi100 push: the form field "param" is missing. Kuaidi100 posts application/x-www-form-urlencoded fields "param" and "sign".',
};
const PARAM_NOT_JSON = { result: false, returnCode: '400', message: 'The field "param" is not valid JSON.' };
const PARAM_NOT_OBJECT = { result: false, returnCode: '400', message: 'The field "param" is not a JSON object.' };

describe('Tracking Webhook Trigger, Kuaidi100 push: a valid signed push', () => {
	it('answers exactly {"result":true,"returnCode":"200","message":"成功"} and emits one item with the normalized shipment, push status, carrier correction, callback params and raw payload', async () => {
		const shipment = sample(YUANTONG);
		const push = kuaidi100Push(shipment, { status: 'polling', comOld: 'yunda', comNew: 'yuantong' });
		expect(push.sign).toMatch(/^[0-9A-F]{32}$/);

		await withTrigger({}, async (hook) => {
			expect(hook.url).toMatch(/\/webhook\/[0-9a-f-]{36}\/tracking$/);
			const result = await hook.post('?orderId=1001&email=a@b.c', asRequest(push));

			expectReply(result, 200, KUAIDI100_ACK);
			expect(result.workflowData).toHaveLength(1);
			const items = emitted(result);
			expect(items).toHaveLength(1);
			const [item] = items;

			expect(item).toMatchObject({
				provider: 'kuaidi100',
				carrier: 'yuantong',
				tracking_number: YUANTONG,
				shipment_status: 'delivered',
				status_code: '304',
				delivered: true,
				terminal: true,
				last_event_time: '2024-03-09T02:47:53.000Z', // 10:47:53 China time
				last_location: '天津市,北辰区',
				event_count: shipment.timeline.length,
				source: 'push',
				push_status: 'polling',
				push_message: '',
				carrier_correction: { from: 'yunda', to: 'yuantong' },
				callback_params: { orderId: '1001', email: 'a@b.c' },
				matched_milestones: [],
			});
			expect(item.fetched_at).toMatch(ISO_TIME);

			// Every event of the full history, newest first, normalized per the contract.
			const events = item.events as Array<Record<string, unknown>>;
			const newestFirst = [...shipment.timeline].reverse();
			expect(events.map((e) => e.event_time_local)).toEqual(newestFirst.map((e) => e.time));
			expect(events.map((e) => e.status_code)).toEqual(newestFirst.map((e) => e.statusCode));
			expect(events.map((e) => e.description)).toEqual(newestFirst.map((e) => e.context));
			expect(events[0]).toMatchObject({
				provider: 'kuaidi100',
				carrier: 'yuantong',
				tracking_number: YUANTONG,
				event_time: '2024-03-09T02:47:53.000Z',
				status: 'delivered',
				status_text: 'Signed from Locker or Station',
				shipment_status: 'delivered',
				source: 'push',
			});
			expect(events[events.length - 1]).toMatchObject({ status: 'picked_up', status_code: '1', longitude: 116.987492 });
			for (const event of events) expect(event.event_id).toMatch(/^[0-9a-f]{64}$/);
			// First push for this number: everything is new.
			expect((item.new_events as unknown[]).length).toBe(shipment.timeline.length);

			// The raw payload is the `param` JSON exactly as Kuaidi100 sent it.
			expect(item.raw).toEqual(JSON.parse(push.param));
			expectNoSecrets(result);
		});
	});

	it('reports no carrier correction when comNew is empty or unchanged', async () => {
		await withTrigger({}, async (hook) => {
			const plain = await hook.post(undefined, asRequest(kuaidi100Push(sample(YUANTONG), { visible: 3 })));
			expectReply(plain, 200, KUAIDI100_ACK);
			expect(emitted(plain)[0]).toMatchObject({ carrier_correction: null, callback_params: {} });

			const same = await hook.post(undefined, asRequest(kuaidi100Push(sample(YUANTONG), { visible: 4, comOld: 'yuantong', comNew: 'yuantong' })));
			expectReply(same, 200, KUAIDI100_ACK);
			expect(emitted(same)[0]).toMatchObject({ carrier_correction: null });
		});
	});

	it('checks the sign over the raw param bytes (escapes, "+", "&", sign before param, charset in the content type)', async () => {
		// Text a re-serialization would change: \u escapes, \/ and spacing. Signed as sent.
		const param =
			'{"status":"polling","message":"a+b & c","comOld":"","comNew":"",' +
			'"lastResult":{"message":"ok","nu":"RAW123456","com":"yuantong","state":"0","status":"200",' +
			'"data":[ {"time":"2024-03-08 17:04:19","ftime":"2024-03-08 17:04:19","context":"\\u5230\\u8fbe A\\/B + C & D","statusCode":"0"} ]}}';
		const sign = sandboxMd5(param, SALT);
		const body = `sign=${sign}&param=${encodeURIComponent(param)}`;
		await withTrigger({}, async (hook) => {
			const result = await hook.post(undefined, { headers: { 'content-type': `${FORM};charset=UTF-8` }, body });
			expectReply(result, 200, KUAIDI100_ACK);
			const [item] = emitted(result);
			expect(item).toMatchObject({ tracking_number: 'RAW123456', push_message: 'a+b & c', shipment_status: 'in_transit' });
			expect((item.events as Array<Record<string, unknown>>)[0].description).toBe('到达 A/B + C & D');

			// The same bytes with one character of param changed no longer match the sign.
			const tampered = `sign=${sign}&param=${encodeURIComponent(param.replace('a+b', 'a+B'))}`;
			expectRejected(await hook.post(undefined, { headers: { 'content-type': FORM }, body: tampered }), 401, BAD_SIGN);
		});
	});

	it('accepts a lower-case hex sign', async () => {
		const push = kuaidi100Push(sample(YUANTONG), { visible: 2 });
		const body = new URLSearchParams({ param: push.param, sign: String(push.sign).toLowerCase() }).toString();
		await withTrigger({}, async (hook) => {
			const result = await hook.post(undefined, { headers: { 'content-type': FORM }, body });
			expectReply(result, 200, KUAIDI100_ACK);
			expect(emitted(result)).toHaveLength(1);
		});
	});

	it('works from the editor\'s "Listen for test event" URL too', async () => {
		await withTrigger({ mode: 'manual' }, async (hook) => {
			expect(hook.url).toMatch(/\/webhook-test\/[0-9a-f-]{36}\/tracking$/);
			const result = await hook.post('?orderId=42', asRequest(kuaidi100Push(sample(YUANTONG))));
			expectReply(result, 200, KUAIDI100_ACK);
			expect(emitted(result)[0]).toMatchObject({ tracking_number: YUANTONG, callback_params: { orderId: '42' } });
		});
	});
});

describe('Tracking Webhook Trigger, Kuaidi100 push: signature', () => {
	it('rejects a forged sign with 401 and starts nothing, leaving the memory untouched', async () => {
		const shipment = sample(YUANTONG);
		await withTrigger({}, async (hook) => {
			// One genuine push first, so there is memory that a forged push could corrupt.
			expectReply(await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 5 }))), 200, KUAIDI100_ACK);
			const memoryBefore = structuredClone(hook.staticData);

			const forged = kuaidi100Push(shipment, { salt: 'attacker-guess' });
			const result = await hook.post('?orderId=1001', asRequest(forged));
			expectRejected(result, 401, BAD_SIGN);
			expect(hook.staticData).toEqual(memoryBefore);
			expectNoSecrets(result);

			// A genuine sign over another param does not cover this one either.
			const genuine = kuaidi100Push(shipment, { visible: 6 });
			const swapped = new URLSearchParams({ param: kuaidi100Push(shipment).param, sign: String(genuine.sign) }).toString();
			expectRejected(await hook.post(undefined, { headers: { 'content-type': FORM }, body: swapped }), 401, BAD_SIGN);
			expect(hook.staticData).toEqual(memoryBefore);
		});
	});

	it('rejects a push without sign with 401 when the credential has a salt', async () => {
		await withTrigger({}, async (hook) => {
			const unsigned = kuaidi100Push(sample(YUANTONG), { salt: undefined });
			expect(unsigned.body).not.toContain('sign=');
			expectRejected(await hook.post(undefined, asRequest(unsigned)), 401, BAD_SIGN);

			const emptySign = `${unsigned.body}&sign=`;
			expectRejected(await hook.post(undefined, { headers: { 'content-type': FORM }, body: emptySign }), 401, BAD_SIGN);
			expect(hook.staticData).toEqual({});
		});
	});

	it('accepts an unsigned push when the chosen credential has no salt', async () => {
		const noSalt: ICredentialDataDecryptedObject = { customer: CREDENTIAL.customer, key: CREDENTIAL.key };
		await withTrigger({ credential: noSalt }, async (hook) => {
			const result = await hook.post('?orderId=1001', asRequest(kuaidi100Push(sample(YUANTONG), { salt: undefined })));
			expectReply(result, 200, KUAIDI100_ACK);
			expect(emitted(result)).toHaveLength(1);
			expect(emitted(result)[0]).toMatchObject({ tracking_number: YUANTONG, callback_params: { orderId: '1001' } });
			expectNoSecrets(result);
		});
	});

	it('accepts an unsigned push when no credential is chosen at all', async () => {
		await withTrigger({ credential: null }, async (hook) => {
			const result = await hook.post(undefined, asRequest(kuaidi100Push(sample(YUANTONG), { salt: undefined })));
			expectReply(result, 200, KUAIDI100_ACK);
			expect(emitted(result)).toHaveLength(1);
			expect(emitted(result)[0]).toMatchObject({ tracking_number: YUANTONG, shipment_status: 'delivered' });
		});
	});

	it('fails closed when the chosen credential cannot be loaded: no execution, no acknowledgement', async () => {
		// A credential the node references but n8n cannot load (deleted, undecryptable).
		// Accepting pushes unsigned then would silently switch the signature check off.
		const broken = await runWebhook({
			nodeType: new TrackingWebhookTrigger(),
			credentialTypes: [new Kuaidi100Api()],
			// The node references kuaidi100Api, but n8n has no data for it.
			credentials: { kuaidi100Api: undefined as unknown as ICredentialDataDecryptedObject },
		});
		try {
			const result = await broken.post(undefined, asRequest(kuaidi100Push(sample(YUANTONG), { salt: undefined })));
			// n8n's answer when webhook() throws: Kuaidi100 sees no ACK and retries later.
			expect(result.status).toBe(500);
			expect(JSON.parse(result.bodyText)).toEqual({ code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' });
			expect((result.error as Error).message).toMatch(/Credential .* does not exist/);
			expect(result.workflowData).toBeUndefined();
			expect(broken.staticData).toEqual({});
		} finally {
			await broken.close();
		}
	});
});

describe('Tracking Webhook Trigger, Kuaidi100 push: malformed bodies', () => {
	it('answers 400 with a clear message when the form has no param, and starts nothing', async () => {
		await withTrigger({}, async (hook) => {
			expectRejected(await hook.post(undefined, { headers: { 'content-type': FORM }, body: 'hello=world' }), 400, NO_PARAM);
			expectRejected(await hook.post(undefined, { headers: { 'content-type': FORM }, body: '' }), 400, NO_PARAM);
			expectRejected(await hook.post(undefined, { headers: { 'content-type': FORM }, body: `param=&sign=${'0'.repeat(32)}` }), 400, NO_PARAM);
			expect(hook.staticData).toEqual({});
		});
	});

	it('answers 400 when a correctly signed param is not JSON or not a JSON object', async () => {
		const signed = (param: string) => new URLSearchParams({ param, sign: sandboxMd5(param, SALT) }).toString();
		await withTrigger({}, async (hook) => {
			const broken = await hook.post(undefined, { headers: { 'content-type': FORM }, body: signed('{"status":"polling",') });
			expectRejected(broken, 400, PARAM_NOT_JSON);
			expectRejected(await hook.post(undefined, { headers: { 'content-type': FORM }, body: signed('[1,2]') }), 400, PARAM_NOT_OBJECT);
			expectRejected(await hook.post(undefined, { headers: { 'content-type': FORM }, body: signed('"text"') }), 400, PARAM_NOT_OBJECT);
			expect(hook.staticData).toEqual({});
		});
	});

	it('answers 400 for a broken param without a salt too (nothing to verify, still nothing to parse)', async () => {
		await withTrigger({ credential: null }, async (hook) => {
			const body = new URLSearchParams({ param: 'not json' }).toString();
			expectRejected(await hook.post(undefined, { headers: { 'content-type': FORM }, body }), 400, PARAM_NOT_JSON);
		});
	});
});

describe('Tracking Webhook Trigger, Kuaidi100 push: unknown status codes', () => {
	it("keeps an undocumented code ('999') as milestone unknown with the raw code, without crashing", async () => {
		const shipment = sample('4312345678901'); // yunda, newest event '999'
		await withTrigger({}, async (hook) => {
			const result = await hook.post(undefined, asRequest(kuaidi100Push(shipment, { status: 'polling' })));
			expectReply(result, 200, KUAIDI100_ACK);
			const [item] = emitted(result);
			expect(item).toMatchObject({ shipment_status: 'unknown', status_code: '999', delivered: false, terminal: false });
			const events = item.events as Array<Record<string, unknown>>;
			expect(events[0]).toMatchObject({
				status: 'unknown',
				status_code: '999',
				status_text: 'Custom Carrier Status',
				description: '承运商返回了未定义的状态',
			});
			// The event with null / "null" fields and a line break is kept, flattened.
			expect(events.find((e) => e.event_time_local === '2024-08-01 20:00:00')).toMatchObject({
				description: '【杭州市】已发出 下一站【上海分拨中心】',
			});
			expect(events.find((e) => e.event_time_local === '2024-08-02 18:00:00')).toMatchObject({
				status: 'in_transit',
				area_name: '',
				location: '',
				longitude: null,
				latitude: null,
			});
		});
	});

	it('keeps unknown codes on every event and an unknown push status, still acknowledging', async () => {
		const shipment = sample(YUANTONG);
		shipment.timeline = shipment.timeline.slice(0, 3).map((event, i) => ({ ...event, statusCode: `99${i}` }));
		await withTrigger({}, async (hook) => {
			const result = await hook.post(undefined, asRequest(kuaidi100Push(shipment, { status: 'somethingNew' })));
			expectReply(result, 200, KUAIDI100_ACK);
			const [item] = emitted(result);
			expect(item).toMatchObject({ shipment_status: 'unknown', status_code: '992', push_status: 'somethingNew' });
			const events = item.events as Array<Record<string, unknown>>;
			expect(events.map((e) => [e.status, e.status_code])).toEqual([
				['unknown', '992'],
				['unknown', '991'],
				['unknown', '990'],
			]);
		});
	});
});
