/**
 * Issue 4, filters and memory: repeated full-history pushes, the milestone filter,
 * and the only-new memory in workflow static data, through the trigger as n8n
 * drives it (static data loaded fresh for every request and saved after it).
 */
import { describe, expect, it } from 'vitest';
import type { IDataObject } from 'n8n-workflow';

import { memoryToText, textToEntries } from '../../src/push/memory-text';
import { decodeRecord, encodeRecord, markerOf, memoryKey, milestoneBit, statusHash, type ShipmentRecord } from '../../src/push/record';
import type { SandboxEvent, SandboxShipment } from '../../src/sandbox';
import {
	asRequest,
	emitted,
	expectJsonSafe,
	expectNoSecrets,
	expectReply,
	keyDeliveryWebhook,
	KEYDELIVERY_ACK,
	kuaidi100Push,
	KUAIDI100_ACK,
	sample,
	STATIC_KEY,
	TOKEN,
	withTrigger,
} from './helpers';

const YUANTONG = 'YT7450353838751';
const MEMORY_KEY = memoryKey(`kuaidi100:yuantong:${YUANTONG}`);
const LONG_KEY = memoryKey('kuaidi100:yuantong:YTLONG0001');
const KEYDELIVERY_KEY = memoryKey('keydelivery:usps:LY811679807CN');

/** The trigger's saved memory, decoded from its compact one-string-per-shipment form. */
const shipmentsIn = (staticData: IDataObject): Record<string, ShipmentRecord> => {
	const saved = String((staticData[STATIC_KEY] as IDataObject | undefined)?.memory ?? '');
	return Object.fromEntries([...textToEntries(saved)].map(([key, text]) => [key, decodeRecord(text)]));
};

describe('Tracking Webhook Trigger: repeated full-history pushes', () => {
	it('in "New Events" mode: the first push emits its events, the same history again starts nothing, one more event emits only that one', async () => {
		const shipment = sample(YUANTONG);
		await withTrigger({ parameters: { output: 'events' } }, async (hook) => {
			const first = await hook.post('?orderId=1001', asRequest(kuaidi100Push(shipment, { visible: 8 })));
			expectReply(first, 200, KUAIDI100_ACK);
			expect(emitted(first).map((e) => e.event_time_local)).toEqual(
				shipment.timeline.slice(0, 8).map((e) => e.time).reverse(),
			);

			const repeat = await hook.post('?orderId=1001', asRequest(kuaidi100Push(shipment, { visible: 8 })));
			expectReply(repeat, 200, KUAIDI100_ACK);
			expect(repeat.workflowData).toBeUndefined();

			const next = await hook.post('?orderId=1001', asRequest(kuaidi100Push(shipment, { visible: 9 })));
			expectReply(next, 200, KUAIDI100_ACK);
			const items = emitted(next);
			expect(items).toHaveLength(1);
			expect(items[0]).toMatchObject({
				tracking_number: YUANTONG,
				event_time: '2024-03-08T23:22:05.000Z',
				event_time_local: '2024-03-09 07:22:05',
				status: 'in_transit',
				status_code: '0',
				description: 'Your package has arrived at [Department 1, Beichen District, Tianjin]',
				push_status: 'polling',
				callback_params: { orderId: '1001' },
				carrier_correction: null,
			});
			expectNoSecrets(next);

			const memory = shipmentsIn(hook.staticData)[MEMORY_KEY];
			// The newest emitted event is the marker; the push status is kept as a hash.
			expect(memory.marker).toBe(markerOf(String(items[0].event_id)));
			expect(memory.status).toBe(statusHash('polling'));
			expectJsonSafe(hook.staticData);
		});
	});

	it('in "Shipment" mode: the item carries the whole history and only the new event in new_events', async () => {
		const shipment = sample(YUANTONG);
		await withTrigger({}, async (hook) => {
			expect(emitted(await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 10 }))))).toHaveLength(1);
			const repeat = await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 10 })));
			expectReply(repeat, 200, KUAIDI100_ACK);
			expect(repeat.workflowData).toBeUndefined();

			const next = await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 11 })));
			expectReply(next, 200, KUAIDI100_ACK);
			const [item] = emitted(next);
			expect(item.event_count).toBe(11);
			expect((item.new_events as IDataObject[]).map((e) => [e.event_time_local, e.status])).toEqual([
				['2024-03-09 10:19:51', 'available_for_pickup'],
			]);
		});
	});

	it('fires on a push status change without a new event (abort), then not again', async () => {
		const shipment = sample(YUANTONG);
		await withTrigger({}, async (hook) => {
			await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 5 })));
			const aborted = await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 5, status: 'abort', message: '3天查询无记录' })));
			expectReply(aborted, 200, KUAIDI100_ACK);
			expect(emitted(aborted)).toHaveLength(1);
			expect(emitted(aborted)[0]).toMatchObject({ push_status: 'abort', push_message: '3天查询无记录', new_events: [] });

			const again = await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 5, status: 'abort' })));
			expectReply(again, 200, KUAIDI100_ACK);
			expect(again.workflowData).toBeUndefined();
		});
	});

	it('with Only New off, every push starts the workflow and nothing is remembered', async () => {
		const shipment = sample(YUANTONG);
		await withTrigger({ parameters: { onlyNew: false } }, async (hook) => {
			for (let i = 0; i < 2; i++) {
				const result = await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 4 })));
				expectReply(result, 200, KUAIDI100_ACK);
				expect(emitted(result)).toHaveLength(1);
				expect((emitted(result)[0].new_events as unknown[]).length).toBe(4);
			}
			expect(shipmentsIn(hook.staticData)).toEqual({});
		});
	});

	it('remembers across webhook processes (queue mode): state lives only in the saved static data', async () => {
		const shipment = sample(YUANTONG);
		const staticData: IDataObject = {};
		await withTrigger({ staticData, parameters: { output: 'events' } }, async (processA) => {
			expect(emitted(await processA.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 6 }))))).toHaveLength(6);
		});
		// Another webhook process: a new node instance and server, the same database row.
		await withTrigger({ staticData, parameters: { output: 'events' } }, async (processB) => {
			const repeat = await processB.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 6 })));
			expectReply(repeat, 200, KUAIDI100_ACK);
			expect(repeat.workflowData).toBeUndefined();
			const next = await processB.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 7 })));
			expect(emitted(next).map((e) => e.event_time_local)).toEqual(['2024-03-08 17:04:19']);
		});
		expect(shipmentsIn(staticData)[MEMORY_KEY].markedAt).toBe(Math.floor(Date.parse('2024-03-08T09:04:19.000Z') / 60_000));
	});
});

describe('Tracking Webhook Trigger: Trigger On = Chosen Milestones', () => {
	it('a delivered push sent twice starts exactly one execution', async () => {
		const shipment = sample(YUANTONG);
		await withTrigger({ parameters: { triggerOn: 'milestones', milestones: ['delivered'] } }, async (hook) => {
			// In transit: acknowledged, nothing started.
			const transit = await hook.post('?orderId=1001', asRequest(kuaidi100Push(shipment, { visible: 9 })));
			expectReply(transit, 200, KUAIDI100_ACK);
			expect(transit.workflowData).toBeUndefined();

			const deliveredPush = kuaidi100Push(shipment, { status: 'shutdown' });
			const results = [
				await hook.post('?orderId=1001', asRequest(deliveredPush)),
				await hook.post('?orderId=1001', asRequest(deliveredPush)),
			];
			for (const result of results) expectReply(result, 200, KUAIDI100_ACK);
			const started = results.filter((result) => result.workflowData !== undefined);
			expect(started).toHaveLength(1);
			expect(started[0]).toBe(results[0]);

			const items = emitted(results[0]);
			expect(items).toHaveLength(1);
			expect(items[0]).toMatchObject({
				tracking_number: YUANTONG,
				shipment_status: 'delivered',
				delivered: true,
				matched_milestones: ['delivered'],
				push_status: 'shutdown',
				callback_params: { orderId: '1001' },
			});
			expect(shipmentsIn(hook.staticData)[MEMORY_KEY].fired).toBe(milestoneBit('delivered'));
			expectJsonSafe(hook.staticData);
		});
	});

	it('fires each chosen milestone once as a shipment goes exception -> returning -> returned', async () => {
		const shipment = sample('5566778899'); // dhl: collected, transit, 13, 2, 201, 203, 14, 6, 4
		const parameters = { triggerOn: 'milestones', milestones: ['exception', 'returned'] };
		await withTrigger({ parameters }, async (hook) => {
			const post = async (visible: number) => await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible })));
			const fired: unknown[] = [];
			for (const visible of [2, 3, 4, 5, 8, 9, 9]) {
				const result = await post(visible);
				expectReply(result, 200, KUAIDI100_ACK);
				fired.push(result.workflowData ? emitted(result)[0].matched_milestones : null);
			}
			expect(fired).toEqual([null, ['exception'], null, null, null, ['returned'], null]);
		});
	});

	it('does not fire for a milestone that is not chosen', async () => {
		await withTrigger({ parameters: { triggerOn: 'milestones', milestones: ['returned', 'cancelled'] } }, async (hook) => {
			const result = await hook.post(undefined, asRequest(kuaidi100Push(sample(YUANTONG), { status: 'shutdown' })));
			expectReply(result, 200, KUAIDI100_ACK);
			expect(result.workflowData).toBeUndefined();
		});
	});
});

describe('Tracking Webhook Trigger: memory in workflow static data', () => {
	const filler = (seen: number) => encodeRecord({ marker: 1, markedAt: 1, fired: 0, status: statusHash('polling'), seen });
	const LIMIT = 500;

	it('stays bounded in shipments (the node option): the least recently fired one is forgotten when a new one arrives', async () => {
		const shipments = new Map<string, string>();
		for (let i = 0; i < LIMIT; i++) shipments.set(memoryKey(`kuaidi100:yuantong:OLD${i}`), filler(1_000 + i));
		const staticData: IDataObject = { [STATIC_KEY]: { memory: memoryToText(shipments) } };

		await withTrigger({ staticData, parameters: { shipmentLimit: LIMIT } }, async (hook) => {
			const result = await hook.post(undefined, asRequest(kuaidi100Push(sample(YUANTONG))));
			expectReply(result, 200, KUAIDI100_ACK);
			expect(emitted(result)).toHaveLength(1);

			const saved = shipmentsIn(hook.staticData);
			expect(Object.keys(saved)).toHaveLength(LIMIT);
			expect(saved).not.toHaveProperty([memoryKey('kuaidi100:yuantong:OLD0')]);
			expect(saved).toHaveProperty([memoryKey('kuaidi100:yuantong:OLD1')]);
			const newEvents = emitted(result)[0].new_events as IDataObject[];
			expect(saved[MEMORY_KEY].marker).toBe(markerOf(String(newEvents[0].event_id)));
			expectJsonSafe(hook.staticData);
		});
	});

	it('costs the same for a long history, and a long history repeated still starts nothing', async () => {
		const count = 50;
		const start = Date.UTC(2024, 0, 1, 0, 0, 0);
		const timeline: SandboxEvent[] = Array.from({ length: count }, (_, i) => {
			const t = new Date(start + i * 600_000 + 8 * 3_600_000).toISOString();
			return { time: `${t.slice(0, 10)} ${t.slice(11, 19)}`, statusCode: '1002', status: 'Trunk Line', context: `Scan ${i}` };
		});
		const long: SandboxShipment = { provider: 'kuaidi100', carrier: 'yuantong', trackingNumber: 'YTLONG0001', timeline };

		await withTrigger({ parameters: { output: 'events' } }, async (hook) => {
			const first = await hook.post(undefined, asRequest(kuaidi100Push(long)));
			expectReply(first, 200, KUAIDI100_ACK);
			expect(emitted(first)).toHaveLength(count);
			const before = String((hook.staticData[STATIC_KEY] as IDataObject).memory).length;
			expect(shipmentsIn(hook.staticData)[LONG_KEY].marker).toBe(markerOf(String(emitted(first)[0].event_id)));

			for (let i = 0; i < 2; i++) {
				const repeat = await hook.post(undefined, asRequest(kuaidi100Push(long)));
				expectReply(repeat, 200, KUAIDI100_ACK);
				expect(emitted(repeat).map((e) => e.description)).toEqual([]);
			}

			timeline.push({ time: '2024-01-03 12:00:00', statusCode: '5', status: 'Dispatching', context: 'Out for delivery' });
			const next = await hook.post(undefined, asRequest(kuaidi100Push(long)));
			expect(emitted(next).map((e) => e.description)).toEqual(['Out for delivery']);
			expect(String((hook.staticData[STATIC_KEY] as IDataObject).memory).length).toBe(before);
			expectJsonSafe(hook.staticData);
		});
	});

	it('keeps KeyDelivery and Kuaidi100 memories apart and JSON-safe', async () => {
		const staticData: IDataObject = {};
		await withTrigger({ staticData }, async (hook) => {
			await hook.post(undefined, asRequest(kuaidi100Push(sample(YUANTONG), { visible: 3 })));
		});
		await withTrigger({ staticData, parameters: { source: 'keyDelivery', token: TOKEN } }, async (hook) => {
			const result = await hook.post(`?token=${TOKEN}`, asRequest(keyDeliveryWebhook(sample('LY811679807CN'), { visible: 4 })));
			expectReply(result, 200, KEYDELIVERY_ACK);
		});
		const saved = shipmentsIn(staticData);
		expect(Object.keys(saved).sort()).toEqual([KEYDELIVERY_KEY, MEMORY_KEY].sort());
		expect(saved[KEYDELIVERY_KEY].marker).not.toBe(saved[MEMORY_KEY].marker);
		for (const memory of Object.values(saved)) expect(typeof memory.seen).toBe('number');
		expectJsonSafe(staticData);
		expect(JSON.stringify(staticData)).not.toContain(TOKEN);
	});
});
