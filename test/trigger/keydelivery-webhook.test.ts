/**
 * Issue 4, KeyDelivery side: JSON webhooks as KeyDelivery posts them to the
 * `webhook_url` given at Create Tracking, authenticated by a secret token in that
 * URL, through the trigger as n8n drives it.
 */
import { describe, expect, it } from 'vitest';

import {
	asRequest,
	emitted,
	expectNoSecrets,
	expectRejected,
	expectReply,
	ISO_TIME,
	keyDeliveryWebhook,
	KEYDELIVERY_ACK,
	sample,
	TOKEN,
	withTrigger,
} from './helpers';

const LY = 'LY811679807CN';
const keyDelivery = { source: 'keyDelivery', token: TOKEN };
const BAD_TOKEN = { code: 401, message: 'Missing or wrong "token" query parameter.' };

describe('Tracking Webhook Trigger, KeyDelivery webhook: token', () => {
	it('with the right token answers 200 {"code":200,"message":"success"} and emits the shipment, without the token in the callback params', async () => {
		const shipment = sample(LY);
		const webhook = keyDeliveryWebhook(shipment);
		await withTrigger({ parameters: keyDelivery }, async (hook) => {
			const result = await hook.post(`?token=${TOKEN}&orderId=7`, asRequest(webhook));
			expectReply(result, 200, KEYDELIVERY_ACK);
			const items = emitted(result);
			expect(items).toHaveLength(1);
			const [item] = items;
			expect(item).toMatchObject({
				provider: 'keydelivery',
				carrier: 'usps',
				tracking_number: LY,
				shipment_status: 'delivered',
				status_code: '304',
				delivered: true,
				last_event_time: '2024-05-06T11:05:00.000Z',
				last_location: 'Los Angeles, CA',
				event_count: shipment.timeline.length,
				source: 'push',
				push_status: 'Delivered',
				push_message: 'Success',
				carrier_correction: null,
				matched_milestones: [],
			});
			expect(item.callback_params).toEqual({ orderId: '7' });
			expect(item.fetched_at).toMatch(ISO_TIME);
			expect(item.raw).toEqual(webhook.payload);
			const events = item.events as Array<Record<string, unknown>>;
			expect(events.map((e) => e.status_code)).toEqual([...shipment.timeline].reverse().map((e) => e.statusCode));
			expect(events[events.length - 1]).toMatchObject({
				provider: 'keydelivery',
				status: 'info_received',
				area_name: 'Toronto, Canada',
				location: 'Toronto, ON',
			});

			expect(JSON.stringify(result.workflowData)).not.toMatch(/"token"/);
			expectNoSecrets(result);
		});
	});

	it('with a wrong token answers 401 and starts nothing', async () => {
		const webhook = keyDeliveryWebhook(sample(LY));
		await withTrigger({ parameters: keyDelivery }, async (hook) => {
			for (const query of [
				'?token=wrong&orderId=7',
				`?token=${TOKEN.slice(0, -1)}`, // a prefix
				`?token=${TOKEN}x`,
				`?token=${TOKEN.toUpperCase()}`,
				`?token=wrong&token=${TOKEN}`, // repeated: not one clear value
				`?orderId=7&t=${TOKEN}`,
			]) {
				const result = await hook.post(query, asRequest(webhook));
				expectRejected(result, 401, BAD_TOKEN);
				expectNoSecrets(result);
			}
			expect(hook.staticData).toEqual({});
		});
	});

	it('without a token answers 401 and starts nothing', async () => {
		await withTrigger({ parameters: keyDelivery }, async (hook) => {
			expectRejected(await hook.post(undefined, asRequest(keyDeliveryWebhook(sample(LY)))), 401, BAD_TOKEN);
			expectRejected(await hook.post('?token=', asRequest(keyDeliveryWebhook(sample(LY)))), 401, BAD_TOKEN);
		});
	});

	it('never accepts anything while the node has no token set', async () => {
		await withTrigger({ parameters: { source: 'keyDelivery', token: '' } }, async (hook) => {
			expectRejected(await hook.post('?token=', asRequest(keyDeliveryWebhook(sample(LY)))), 401, BAD_TOKEN);
			expectRejected(await hook.post(undefined, asRequest(keyDeliveryWebhook(sample(LY)))), 401, BAD_TOKEN);
		});
	});

	it('checks the token before reading the body', async () => {
		await withTrigger({ parameters: keyDelivery }, async (hook) => {
			const result = await hook.post('?token=wrong', { headers: { 'content-type': 'text/plain' }, body: '{oops' });
			expectRejected(result, 401, BAD_TOKEN);
		});
	});
});

describe('Tracking Webhook Trigger, KeyDelivery webhook: bodies', () => {
	it('answers 400 with a clear message for a body that is not JSON, and starts nothing', async () => {
		await withTrigger({ parameters: keyDelivery }, async (hook) => {
			const result = await hook.post(`?token=${TOKEN}`, { headers: { 'content-type': 'text/plain' }, body: '{"event":"Delivered",' });
			expectRejected(result, 400, { code: 400, message: 'The body is not valid JSON. KeyDelivery posts application/json.' });
			expect(hook.staticData).toEqual({});
		});
	});

	it('malformed JSON sent as application/json is refused by n8n itself (422) before the node runs: still no execution', async () => {
		// n8n parses application/json bodies before any webhook() runs and answers 422 on a
		// syntax error; the node never sees the request. Recorded here so a change shows.
		await withTrigger({ parameters: keyDelivery }, async (hook) => {
			const result = await hook.post(`?token=${TOKEN}`, { headers: { 'content-type': 'application/json' }, body: '{"event":"Delivered",' });
			expect(result.status).toBe(422);
			expect(JSON.parse(result.bodyText)).toMatchObject({ code: 422, message: 'Failed to parse request body' });
			expect(result.workflowData).toBeUndefined();
			expect(hook.staticData).toEqual({});
		});
	});

	it('answers 400 for JSON that is not a webhook (not an object, no tracking_number)', async () => {
		await withTrigger({ parameters: keyDelivery }, async (hook) => {
			const json = { 'content-type': 'application/json' };
			expectRejected(await hook.post(`?token=${TOKEN}`, { headers: json, body: '[1,2]' }), 400, {
				code: 400,
				message: 'The body is not a JSON object.',
			});
			expectRejected(await hook.post(`?token=${TOKEN}`, { headers: json, body: '{"event":"Delivered","items":[]}' }), 400, {
				code: 400,
				message: 'Not a KeyDelivery webhook: "tracking_number" is missing.',
			});
		});
	});

	it("acknowledges an expiry notice ('No tracking information for 3 days', no items) with 200", async () => {
		const notice = keyDeliveryWebhook(sample('9400111899223100000000'), { message: 'No tracking information for 3 days' });
		expect(notice.payload.items).toEqual([]);
		await withTrigger({ parameters: keyDelivery }, async (hook) => {
			const result = await hook.post(`?token=${TOKEN}&orderId=9`, asRequest(notice));
			expectReply(result, 200, KEYDELIVERY_ACK);
			// With "All Updates" the notice itself is news: one item, no events.
			expect(emitted(result)).toHaveLength(1);
			expect(emitted(result)[0]).toMatchObject({
				tracking_number: '9400111899223100000000',
				shipment_status: 'pending',
				event_count: 0,
				events: [],
				new_events: [],
				push_status: 'No information',
				push_message: 'No tracking information for 3 days',
				callback_params: { orderId: '9' },
			});
			const repeated = await hook.post(`?token=${TOKEN}&orderId=9`, asRequest(notice));
			expectReply(repeated, 200, KEYDELIVERY_ACK);
			expect(repeated.workflowData).toBeUndefined();
		});
	});

	it('acknowledges expiry notices with 200 when only "delivered" is chosen, starting nothing', async () => {
		const parameters = { ...keyDelivery, triggerOn: 'milestones', milestones: ['delivered'] };
		await withTrigger({ parameters }, async (hook) => {
			const empty = keyDeliveryWebhook(sample('9400111899223100000000'), { message: 'No tracking information for 3 days' });
			const stale = keyDeliveryWebhook(sample('772345678901'), { visible: 2, message: 'No status update for 60 days' });
			for (const notice of [empty, stale]) {
				const result = await hook.post(`?token=${TOKEN}`, asRequest(notice));
				expectReply(result, 200, KEYDELIVERY_ACK);
				expect(result.workflowData).toBeUndefined();
			}
		});
	});

	it("keeps an undocumented code ('999') as milestone unknown with the raw code", async () => {
		await withTrigger({ parameters: keyDelivery }, async (hook) => {
			const result = await hook.post(`?token=${TOKEN}`, asRequest(keyDeliveryWebhook(sample('1Z999AA10123456784'))));
			expectReply(result, 200, KEYDELIVERY_ACK);
			const [item] = emitted(result);
			expect(item).toMatchObject({ shipment_status: 'unknown', status_code: '999', push_status: 'Carrier status' });
			expect((item.events as Array<Record<string, unknown>>)[0]).toMatchObject({
				status: 'unknown',
				status_code: '999',
				status_text: 'Carrier status',
			});
		});
	});

	it('a repeated webhook starts nothing; a delivered one fires the delivered filter once', async () => {
		const shipment = sample('4433221100'); // dhl, ends 303 then 3
		const parameters = { ...keyDelivery, triggerOn: 'milestones', milestones: ['delivered'], output: 'events' };
		await withTrigger({ parameters }, async (hook) => {
			const transit = await hook.post(`?token=${TOKEN}`, asRequest(keyDeliveryWebhook(shipment, { visible: 3 })));
			expectReply(transit, 200, KEYDELIVERY_ACK);
			expect(transit.workflowData).toBeUndefined();

			const delivered = keyDeliveryWebhook(shipment);
			const first = await hook.post(`?token=${TOKEN}`, asRequest(delivered));
			const second = await hook.post(`?token=${TOKEN}`, asRequest(delivered));
			expectReply(first, 200, KEYDELIVERY_ACK);
			expectReply(second, 200, KEYDELIVERY_ACK);
			expect(second.workflowData).toBeUndefined();
			// "New Events" with the milestone filter: only the events that reached a chosen milestone.
			expect(emitted(first).map((e) => e.status_code)).toEqual(['3', '303']);
			expect(emitted(first).every((e) => e.push_status === 'Delivered')).toBe(true);
		});
	});
});
