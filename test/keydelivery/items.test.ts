import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox';
import {
	PATHS,
	jsonItems,
	keyDeliveryRequests,
	requestsTo,
	runNode,
	startCountingProxy,
	startKeyDeliverySandbox,
	type CountingProxy,
} from './helpers';

const WEBHOOK = 'https://n8n.example.com/webhook/kd?token=abc';

/** Every parameter read from the item, so each item can be good or bad on its own. */
const PER_ITEM: Record<string, INodeParameters> = {
	getTracking: { operation: 'getTracking', carrierId: '={{ $json.carrier }}', trackingNumber: '={{ $json.tn }}' },
	createTracking: {
		operation: 'createTracking',
		carrierId: '={{ $json.carrier }}',
		trackingNumber: '={{ $json.tn }}',
		webhookUrl: '={{ $json.hook }}',
	},
	detectCarrier: { operation: 'detectCarrier', trackingNumber: '={{ $json.tn }}' },
};

const GOOD = { carrier: 'usps', tn: 'LY811679807CN', hook: WEBHOOK };

interface ValidationCase {
	title: string;
	operation: keyof typeof PER_ITEM;
	bad: IDataObject;
	/** The fix the message must name. */
	fix: RegExp;
}

const VALIDATION: ValidationCase[] = [
	{ title: 'empty tracking number', operation: 'getTracking', bad: { tn: '' }, fix: /tracking number is empty.*Fill in the Tracking Number field/ },
	{ title: 'blank tracking number', operation: 'detectCarrier', bad: { tn: '   ' }, fix: /tracking number is empty.*Fill in the Tracking Number field/ },
	{ title: 'tracking number longer than 64', operation: 'getTracking', bad: { tn: 'A'.repeat(65) }, fix: /has 65 characters; it must have 4 to 64.*Tracking Number field/ },
	{ title: 'tracking number shorter than 4', operation: 'createTracking', bad: { tn: 'AB1' }, fix: /has 3 characters; it must have 4 to 64/ },
	{ title: 'empty carrier id', operation: 'getTracking', bad: { carrier: '' }, fix: /empty.*Fill in the Carrier ID field/ },
	{ title: 'upper-case carrier id', operation: 'createTracking', bad: { carrier: 'USPS' }, fix: /must be lower case: use "usps" in the Carrier ID field/ },
	{ title: 'carrier id with a space', operation: 'getTracking', bad: { carrier: 'royal mail' }, fix: /characters a carrier id never has.*e.g. "usps"/ },
	{ title: 'empty webhook URL', operation: 'createTracking', bad: { hook: '' }, fix: /Webhook URL is empty/ },
	{ title: 'webhook URL that is no URL', operation: 'createTracking', bad: { hook: 'n8n.example.com/webhook' }, fix: /Webhook URL "n8n\.example\.com\/webhook" is not a valid URL.*https:\/\// },
	{ title: 'webhook URL that is not http(s)', operation: 'createTracking', bad: { hook: 'ftp://example.com/hook' }, fix: /must start with http:\/\/ or https:\/\// },
];

describe('KeyDelivery node: item discipline', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		sandbox = await startKeyDeliverySandbox();
	});
	afterEach(async () => await sandbox.close());

	describe('validation before any request', () => {
		it.each(VALIDATION.map((c) => [`${c.operation}: ${c.title}`, c] as const))('%s: no request at all, the error names the item and the fix', async (_title, c) => {
			const result = await runNode(sandbox, {
				parameters: PER_ITEM[c.operation],
				// The bad item comes last: the good items before it must not have been sent either.
				items: jsonItems([GOOD, { ...GOOD, tn: '9926933413', carrier: 'dhl' }, { ...GOOD, ...c.bad }]),
			});
			expect(keyDeliveryRequests(sandbox)).toHaveLength(0);
			expect(result.items).toEqual([]);
			expect(result.error?.name).toBe('NodeOperationError');
			expect(result.error?.message).toMatch(/^Invalid input in item 2: /);
			expect(result.error?.message).toMatch(c.fix);
			expect(result.error?.description).toMatch(c.fix);
			expect((result.error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(2);
		});
	});

	describe('continueOnFail', () => {
		it('mixed good and bad items: errors are items paired with their input, good items still output, order kept', async () => {
			// 0 good, 1 invalid, 2 good, 3 error 405, 4 error 60101, 5 invalid, 6 good.
			const result = await runNode(sandbox, {
				parameters: PER_ITEM.getTracking,
				continueOnFail: true,
				items: jsonItems([
					{ carrier: 'usps', tn: 'LY811679807CN' },
					{ carrier: 'usps', tn: '' },
					{ carrier: 'dhl', tn: '4433221100' },
					{ carrier: 'no-such-carrier', tn: '4433221100' },
					{ carrier: 'usps', tn: '9400111899223100000000' },
					{ carrier: 'DHL', tn: '9926933413' },
					{ carrier: 'fedex', tn: '772345678901' },
				]),
			});
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3, 4, 5, 6].map((item) => ({ item })));
			const [usps, empty, dhl, unknownCarrier, noResult, upper, fedex] = result.items.map((i) => i.json);

			expect(usps).toMatchObject({ provider: 'keydelivery', tracking_number: 'LY811679807CN', shipment_status: 'delivered' });
			expect(dhl).toMatchObject({ tracking_number: '4433221100', shipment_status: 'delivered' });
			expect(fedex).toMatchObject({ tracking_number: '772345678901', shipment_status: 'cancelled' });

			expect(empty).toEqual({
				error: 'Invalid input in item 1: The tracking number is empty. Fill in the Tracking Number field.',
				description: 'The tracking number is empty. Fill in the Tracking Number field.',
				code: null,
				retryable: false,
			});
			expect(unknownCarrier).toMatchObject({ error: 'KeyDelivery error 405 in item 3: Invalid carrier id', code: '405', retryable: false });
			expect(unknownCarrier.description).toMatch(/Detect Carrier/);
			expect(noResult).toMatchObject({ error: 'KeyDelivery error 60101 in item 4: No tracking result yet for this number', code: '60101' });
			expect(upper.error).toMatch(/^Invalid input in item 5: .*use "dhl"/);

			// Only the 5 valid items were sent; the 2 invalid ones never left the node.
			const sent = requestsTo(sandbox, PATHS.realtime).map((r) => {
				const body = JSON.parse(r.rawBody) as IDataObject;
				return `${String(body.carrier_id)}:${String(body.tracking_number)}`;
			});
			expect(sent.sort()).toEqual([
				'dhl:4433221100',
				'fedex:772345678901',
				'no-such-carrier:4433221100',
				'usps:9400111899223100000000',
				'usps:LY811679807CN',
			]);
		});

		it('Events output: each shipment\'s events, then the error item, in input order', async () => {
			const result = await runNode(sandbox, {
				parameters: { ...PER_ITEM.getTracking, output: 'events' },
				continueOnFail: true,
				items: jsonItems([
					{ carrier: 'dhl', tn: '4433221100' },
					{ carrier: 'usps', tn: 'x' },
					{ carrier: 'fedex', tn: '772345678901' },
				]),
			});
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => [(i.pairedItem as { item: number }).item, i.json.tracking_number ?? i.json.error])).toEqual([
				[0, '4433221100'],
				[0, '4433221100'],
				[0, '4433221100'],
				[0, '4433221100'],
				[0, '4433221100'],
				[1, 'Invalid input in item 1: The tracking number "x" has 1 characters; it must have 4 to 64. Check the Tracking Number field.'],
				[2, '772345678901'],
				[2, '772345678901'],
				[2, '772345678901'],
				[2, '772345678901'],
			]);
		});

		it('Create Tracking: a failing item does not stop the others', async () => {
			const result = await runNode(sandbox, {
				parameters: PER_ITEM.createTracking,
				continueOnFail: true,
				items: jsonItems([
					{ carrier: 'usps', tn: 'LY000000001CN', hook: WEBHOOK },
					{ carrier: 'usps', tn: 'LY000000002CN', hook: 'mailto:ops@example.com' },
					{ carrier: 'nowhere', tn: 'LY000000003CN', hook: WEBHOOK },
					{ carrier: 'dhl', tn: 'LY000000004CN', hook: WEBHOOK },
				]),
			});
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => [i.pairedItem, i.json.created ?? i.json.code])).toEqual([
				[{ item: 0 }, true],
				[{ item: 1 }, null],
				[{ item: 2 }, '405'],
				[{ item: 3 }, true],
			]);
			expect(result.items[1].json.error).toMatch(/^Invalid input in item 1: .*must start with http:\/\/ or https:\/\//);
			expect(requestsTo(sandbox, PATHS.create)).toHaveLength(3);
			expect(sandbox.subscriptions.map((s) => s.trackingNumber)).toEqual(['LY000000001CN', 'LY000000004CN']);
		});
	});

	describe('one request per distinct shipment', () => {
		it('Get Tracking: duplicate tracking numbers across items are queried once, every item gets the result', async () => {
			const result = await runNode(sandbox, {
				parameters: PER_ITEM.getTracking,
				items: jsonItems([
					{ carrier: 'usps', tn: 'LY811679807CN' },
					{ carrier: 'dhl', tn: '4433221100' },
					{ carrier: 'usps', tn: 'LY811679807CN' },
					{ carrier: 'usps', tn: ' LY811679807CN ' },
				]),
			});
			expect(result.error).toBeUndefined();
			expect(requestsTo(sandbox, PATHS.realtime)).toHaveLength(2);
			expect(result.items.map((i) => [i.pairedItem, i.json.tracking_number])).toEqual([
				[{ item: 0 }, 'LY811679807CN'],
				[{ item: 1 }, '4433221100'],
				[{ item: 2 }, 'LY811679807CN'],
				[{ item: 3 }, 'LY811679807CN'],
			]);
			expect(result.items[2].json).toEqual(result.items[0].json);
			expect(result.items[3].json).toEqual(result.items[0].json);
		});

		it('Detect Carrier: duplicate numbers are detected once', async () => {
			const result = await runNode(sandbox, {
				parameters: PER_ITEM.detectCarrier,
				items: jsonItems([{ tn: '9926933413' }, { tn: '9926933413' }, { tn: '772345678901' }, { tn: '9926933413' }]),
			});
			expect(result.error).toBeUndefined();
			expect(requestsTo(sandbox, PATHS.detect)).toHaveLength(2);
			expect(result.items.map((i) => [i.pairedItem, i.json.carrier_id])).toEqual([
				[{ item: 0 }, 'dhl'],
				[{ item: 1 }, 'dhl'],
				[{ item: 2 }, 'fedex'],
				[{ item: 3 }, 'dhl'],
			]);
		});

		it('Create Tracking: identical items send one create; both report it created', async () => {
			const result = await runNode(sandbox, {
				parameters: PER_ITEM.createTracking,
				items: jsonItems([GOOD, GOOD]),
			});
			expect(result.error).toBeUndefined();
			expect(requestsTo(sandbox, PATHS.create)).toHaveLength(1);
			expect(result.items.map((i) => [i.pairedItem, i.json.created, i.json.alreadyExists])).toEqual([
				[{ item: 0 }, true, false],
				[{ item: 1 }, true, false],
			]);
		});

		it('a failed shared request fails every item that shares it, once', async () => {
			const result = await runNode(sandbox, {
				parameters: PER_ITEM.getTracking,
				continueOnFail: true,
				items: jsonItems([
					{ carrier: 'usps', tn: '9400111899223100000000' },
					{ carrier: 'usps', tn: '9400111899223100000000' },
				]),
			});
			expect(requestsTo(sandbox, PATHS.realtime)).toHaveLength(1);
			expect(result.items.map((i) => [i.pairedItem, i.json.code, i.json.error])).toEqual([
				[{ item: 0 }, '60101', 'KeyDelivery error 60101 in item 0: No tracking result yet for this number'],
				[{ item: 1 }, '60101', 'KeyDelivery error 60101 in item 1: No tracking result yet for this number'],
			]);
		});
	});
});

describe('KeyDelivery node: bounded concurrency', () => {
	let sandbox: Sandbox;
	let proxy: CountingProxy;
	const numbers = ['LY100000001CN', 'LY100000002CN', 'LY100000003CN', 'LY100000004CN', 'LY100000005CN', 'LY100000006CN'];

	beforeEach(async () => {
		// Every answer is slow, so requests the node lets overlap do overlap.
		sandbox = await startKeyDeliverySandbox({ replyDelayMs: 250 });
	});
	afterEach(async () => {
		await proxy?.close();
		await sandbox.close();
	});

	const createSix = async (concurrency?: number) =>
		await runNode(proxy, {
			parameters: { ...PER_ITEM.createTracking, ...(concurrency ? { options: { concurrency } } : {}) },
			items: jsonItems(numbers.map((tn) => ({ carrier: 'usps', tn, hook: WEBHOOK }))),
		});

	it.each([
		[2, 2],
		[1, 1],
		[4, 4],
	])('6 items with concurrency %i: %i requests in flight at most, and that many do overlap', async (concurrency, bound) => {
		proxy = await startCountingProxy(sandbox.keyDeliveryBaseUrl);
		const result = await createSix(concurrency);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.tracking_number)).toEqual(numbers);
		expect(result.items.every((i) => i.json.created === true)).toBe(true);
		expect(proxy.total).toBe(6);
		expect(requestsTo(sandbox, PATHS.create)).toHaveLength(6);
		expect(proxy.maxInFlight).toBe(bound);
	});

	it('without the option, at most 5 (the default) are in flight', async () => {
		proxy = await startCountingProxy(sandbox.keyDeliveryBaseUrl);
		const result = await createSix();
		expect(result.error).toBeUndefined();
		expect(proxy.maxInFlight).toBe(5);
	});

	it('answers that come back out of order still give the output in input order', async () => {
		// Hold the answer of the first item until the others have come back.
		proxy = await startCountingProxy(sandbox.keyDeliveryBaseUrl, {
			holdAnswer: (body) => (body.includes(numbers[0]) ? 400 : 0),
		});
		const result = await createSix(3);
		expect(result.error).toBeUndefined();
		expect(proxy.maxInFlight).toBe(3);
		const finished = proxy.completed.map((body) => (JSON.parse(body) as IDataObject).tracking_number);
		expect(finished.indexOf(numbers[0])).toBeGreaterThan(0);
		expect(result.items.map((i) => [i.pairedItem, i.json.tracking_number])).toEqual(numbers.map((tn, item) => [{ item }, tn]));
	});
});
