import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox';
import {
	ACCOUNT,
	PATHS,
	USPS,
	expectedSignature,
	jsonItems,
	requestsTo,
	runNode,
	startKeyDeliverySandbox,
} from './helpers';

const WEBHOOK = 'https://n8n.example.com/webhook/4f1c/keydelivery?token=tk_9a8b7c&src=kd';

describe('KeyDelivery node: Create Tracking', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		sandbox = await startKeyDeliverySandbox();
	});
	afterEach(async () => await sandbox.close());

	it('sends webhook URL, phone, ship from/to and area detail in the body it signs, MD5(rawBody + apiKey + secret)', async () => {
		const result = await runNode(sandbox, {
			parameters: {
				operation: 'createTracking',
				carrierId: USPS.carrierId,
				trackingNumber: USPS.trackingNumber,
				webhookUrl: WEBHOOK,
				trackingOptions: {
					phone: '+1 (416) 555-0199',
					shipFrom: 'Montréal, QC, Canada',
					shipTo: '東京都, Japan',
					areaShow: true,
					order: 'asc',
				},
			},
		});
		expect(result.error).toBeUndefined();

		const sent = requestsTo(sandbox, PATHS.create);
		expect(sent).toHaveLength(1);
		const [request] = sent;
		expect(request.method).toBe('POST');
		expect(request.headers['content-type']).toMatch(/^application\/json\b/);
		expect(request.headers['api-key']).toBe(ACCOUNT.apiKey);
		expect(JSON.parse(request.rawBody)).toEqual({
			carrier_id: 'usps',
			tracking_number: 'LY811679807CN',
			webhook_url: WEBHOOK,
			phone: '+1 (416) 555-0199',
			ship_from: 'Montréal, QC, Canada',
			ship_to: '東京都, Japan',
			area_show: 1,
			order: 'asc',
		});
		// Computed here over the bytes the sandbox received (non-ASCII included), not over a re-serialization.
		expect(request.headers.signature).toBe(expectedSignature(request.rawBody));
		expect(request.headers.signature).toMatch(/^[0-9A-F]{32}$/);

		expect(sandbox.subscriptions).toMatchObject([
			{ provider: 'keydelivery', carrier: 'usps', trackingNumber: 'LY811679807CN', callbackUrl: WEBHOOK, areaShow: true, phone: '+1 (416) 555-0199' },
		]);
		expect(result.items).toEqual([
			{
				json: {
					created: true,
					alreadyExists: false,
					carrier_id: 'usps',
					tracking_number: 'LY811679807CN',
					webhook_url: WEBHOOK,
					code: 200,
					message: 'OK',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('sends area_show 0 when Area Detail is off and leaves out optional fields that are blank', async () => {
		const result = await runNode(sandbox, {
			parameters: {
				operation: 'createTracking',
				carrierId: 'dhl',
				trackingNumber: '  JD014600006281  ',
				webhookUrl: `  ${WEBHOOK}  `,
				trackingOptions: { areaShow: false, phone: '   ' },
			},
		});
		expect(result.error).toBeUndefined();
		const [request] = requestsTo(sandbox, PATHS.create);
		expect(JSON.parse(request.rawBody)).toEqual({
			carrier_id: 'dhl',
			tracking_number: 'JD014600006281',
			webhook_url: WEBHOOK,
			area_show: 0,
		});
		expect(request.headers.signature).toBe(expectedSignature(request.rawBody));
		expect(result.items[0].json).toMatchObject({ created: true, tracking_number: 'JD014600006281' });
	});

	it('numbers given by expressions (tracking number, phone, postal code) are sent as text', async () => {
		const result = await runNode(sandbox, {
			parameters: {
				operation: 'createTracking',
				carrierId: 'dhl',
				trackingNumber: '={{ $json.tn }}',
				webhookUrl: WEBHOOK,
				trackingOptions: { phone: '={{ $json.phone }}', shipTo: '={{ $json.zip }}' },
			},
			items: jsonItems([{ tn: 9926933413, phone: 4165550199, zip: 90001 }]),
		});
		expect(result.error).toBeUndefined();
		const [request] = requestsTo(sandbox, PATHS.create);
		expect(JSON.parse(request.rawBody)).toEqual({
			carrier_id: 'dhl',
			tracking_number: '9926933413',
			webhook_url: WEBHOOK,
			phone: '4165550199',
			ship_to: '90001',
			area_show: 1,
		});
		expect(request.headers.signature).toBe(expectedSignature(request.rawBody));
		expect(result.items[0].json).toMatchObject({ created: true, tracking_number: '9926933413' });
	});

	it('a base URL pasted with spaces and a trailing slash still reaches the service', async () => {
		const result = await runNode(sandbox, {
			parameters: { operation: 'createTracking', carrierId: 'usps', trackingNumber: 'LY811679807CN', webhookUrl: WEBHOOK },
			credentials: { baseUrl: ` ${sandbox.keyDeliveryBaseUrl}/ ` },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ created: true });
		expect(requestsTo(sandbox, PATHS.create)).toHaveLength(1);
	});

	it('creating the same tracking again returns alreadyExists: true (code 60201) and no error', async () => {
		const parameters = {
			operation: 'createTracking',
			carrierId: USPS.carrierId,
			trackingNumber: USPS.trackingNumber,
			webhookUrl: WEBHOOK,
		};
		const first = await runNode(sandbox, { parameters });
		const second = await runNode(sandbox, { parameters });

		expect(first.error).toBeUndefined();
		expect(first.items[0].json).toMatchObject({ created: true, alreadyExists: false, code: 200 });
		expect(second.error).toBeUndefined();
		expect(second.items).toEqual([
			{
				json: {
					created: false,
					alreadyExists: true,
					carrier_id: 'usps',
					tracking_number: 'LY811679807CN',
					webhook_url: WEBHOOK,
					code: 60201,
					message: 'Tracking already exists.',
				},
				pairedItem: { item: 0 },
			},
		]);
		// 60201 is a final answer, not retried.
		expect(requestsTo(sandbox, PATHS.create)).toHaveLength(2);
		expect(sandbox.subscriptions).toHaveLength(1);
	});

	it('within one run, the second item for an existing tracking comes out with alreadyExists: true', async () => {
		const result = await runNode(sandbox, {
			parameters: {
				operation: 'createTracking',
				carrierId: 'usps',
				trackingNumber: '={{ $json.tn }}',
				webhookUrl: '={{ $json.hook }}',
				options: { concurrency: 1 },
			},
			items: jsonItems([
				{ tn: 'LY811679807CN', hook: `${WEBHOOK}&n=1` },
				{ tn: 'LY811679807CN', hook: `${WEBHOOK}&n=2` },
				{ tn: '9400111899223100000000', hook: `${WEBHOOK}&n=3` },
			]),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.tracking_number, i.json.created, i.json.alreadyExists, i.pairedItem])).toEqual([
			['LY811679807CN', true, false, { item: 0 }],
			['LY811679807CN', false, true, { item: 1 }],
			['9400111899223100000000', true, false, { item: 2 }],
		]);
		expect(requestsTo(sandbox, PATHS.create)).toHaveLength(3);
	});

	it('an unknown carrier id is an error 405 of the item, not a created tracking', async () => {
		const result = await runNode(sandbox, {
			parameters: { operation: 'createTracking', carrierId: 'no-such-carrier', trackingNumber: 'LY811679807CN', webhookUrl: WEBHOOK },
		});
		expect(result.items).toEqual([]);
		expect(result.error?.message).toBe('KeyDelivery error 405 in item 0: Invalid carrier id');
		expect(sandbox.subscriptions).toHaveLength(0);
	});
});
