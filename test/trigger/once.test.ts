/**
 * Issue 9: a delivered push fires once, however the pushes meet. Requests run through
 * the harness's copy of n8n's webhook handling, which (like n8n) loads static data
 * fresh for every request and writes the whole object back after it: concurrent
 * requests start from stale copies and the last writer wins. Each `withTrigger`
 * has its own node id, i.e. its own process memory: a second one on the same static
 * data object is another n8n process (or the same one after a restart).
 */
import { describe, expect, it } from 'vitest';
import type { IDataObject } from 'n8n-workflow';

import { eventDedupKey, milestoneDedupKey, pushStatusDedupKey } from '../../src/core/keys';
import { textToEntries } from '../../src/push/memory-text';
import { decodeRecord, memoryKey, milestoneBit } from '../../src/push/record';
import type { SandboxShipment } from '../../src/sandbox';
import type { WebhookCallResult, WebhookHandle } from '../harness/n8n';
import { asRequest, expectJsonSafe, expectReply, kuaidi100Push, KUAIDI100_ACK, sample, STATIC_KEY, withTrigger } from './helpers';

const DELIVERED_ONLY = { triggerOn: 'milestones', milestones: ['delivered'] };
const YUANTONG = 'YT7450353838751';

/** A delivered sample parcel under another tracking number. */
const parcel = (i: number): SandboxShipment => ({ ...sample(YUANTONG), trackingNumber: `YT9${String(i).padStart(12, '0')}` });
const deliveredPush = (shipment: SandboxShipment) => asRequest(kuaidi100Push(shipment, { status: 'shutdown' }));

/** The durable copy in static data, as shipmentKey -> encoded record. */
const savedShipments = (staticData: IDataObject): Record<string, string> =>
	Object.fromEntries(textToEntries(String((staticData[STATIC_KEY] as IDataObject | undefined)?.memory ?? '')));

/** Posts in waves of `width` concurrent requests (width 1 = one at a time). */
async function pushAll(hook: WebhookHandle, shipments: SandboxShipment[], width: number): Promise<WebhookCallResult[]> {
	const results: WebhookCallResult[] = [];
	for (let i = 0; i < shipments.length; i += width) {
		const wave = shipments.slice(i, i + width).map(async (s) => await hook.post('?orderId=1', deliveredPush(s)));
		results.push(...(await Promise.all(wave)));
	}
	for (const result of results) expectReply(result, 200, KUAIDI100_ACK);
	return results;
}

const started = (results: WebhookCallResult[]) => results.filter((r) => r.workflowData !== undefined);

describe('Tracking Webhook Trigger: once-only under concurrency (one process)', () => {
	it('the same delivered push 5 times at once starts exactly one execution', async () => {
		await withTrigger({ parameters: DELIVERED_ONLY }, async (hook) => {
			const push = deliveredPush(sample(YUANTONG));
			const results = await Promise.all(Array.from({ length: 5 }, async () => await hook.post(undefined, push)));
			for (const result of results) expectReply(result, 200, KUAIDI100_ACK);
			expect(started(results)).toHaveLength(1);
			const record = decodeRecord(savedShipments(hook.staticData)[memoryKey(`kuaidi100:yuantong:${YUANTONG}`)]);
			expect(record.fired).toBe(milestoneBit('delivered'));

			// And again, 5 at once, later: nothing.
			const again = await Promise.all(Array.from({ length: 5 }, async () => await hook.post(undefined, push)));
			expect(started(again)).toHaveLength(0);
		});
	});

	it('50 parcels pushed 10 at a time, then again one at a time: 50 executions in all, and all 50 remembered', async () => {
		const parcels = Array.from({ length: 50 }, (_, i) => parcel(i));
		await withTrigger({ parameters: DELIVERED_ONLY }, async (hook) => {
			const burst = await pushAll(hook, parcels, 10);
			expect(started(burst)).toHaveLength(50);
			expect(Object.keys(savedShipments(hook.staticData))).toHaveLength(50);

			const repeat = await pushAll(hook, parcels, 1);
			expect(started(repeat)).toHaveLength(0);
			expectJsonSafe(hook.staticData);
		});
	});

	it('every emitted item of a burst has its own stable dedup_key', async () => {
		const parcels = Array.from({ length: 10 }, (_, i) => parcel(100 + i));
		await withTrigger({ parameters: DELIVERED_ONLY }, async (hook) => {
			const keys = started(await pushAll(hook, parcels, 10)).map((r) => r.workflowData![0][0].json.dedup_key);
			expect(new Set(keys).size).toBe(10);
			expect(keys.sort()).toEqual(
				parcels.map((p) => milestoneDedupKey('kuaidi100', 'yuantong', p.trackingNumber, 'delivered')).sort(),
			);
		});
	});
});

describe('Tracking Webhook Trigger: dedup_key on every item', () => {
	it('events get their event key, a shipment its newest new event or its push status change', async () => {
		const shipment = sample(YUANTONG);
		await withTrigger({ parameters: { output: 'events' } }, async (hook) => {
			const items = (await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 3 })))).workflowData![0];
			expect(items.map((i) => i.json.dedup_key)).toEqual(items.map((i) => eventDedupKey(String(i.json.event_id))));
		});
		await withTrigger({}, async (hook) => {
			const [first] = (await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 3 })))).workflowData![0];
			expect(first.json.dedup_key).toBe(eventDedupKey(String((first.json.new_events as IDataObject[])[0].event_id)));
			const [aborted] = (await hook.post(undefined, asRequest(kuaidi100Push(shipment, { visible: 3, status: 'abort' })))).workflowData![0];
			expect(aborted.json.dedup_key).toBe(pushStatusDedupKey('kuaidi100', 'yuantong', YUANTONG, 'abort'));
		});
	});

	it('milestone events carry the milestone key, the same in every process', async () => {
		const keys: unknown[] = [];
		for (let process = 0; process < 2; process++) {
			await withTrigger({ parameters: { ...DELIVERED_ONLY, output: 'events' } }, async (hook) => {
				keys.push(...(await hook.post(undefined, deliveredPush(sample(YUANTONG)))).workflowData![0].map((i) => i.json.dedup_key));
			});
		}
		expect(keys).toEqual([1, 2].map(() => milestoneDedupKey('kuaidi100', 'yuantong', YUANTONG, 'delivered')));
	});
});

describe('Tracking Webhook Trigger: once-only across restarts and processes', () => {
	it('after a restart (new process memory, the saved static data), a delivered parcel does not fire again', async () => {
		const staticData: IDataObject = {};
		const parcels = Array.from({ length: 20 }, (_, i) => parcel(200 + i));
		await withTrigger({ staticData, parameters: DELIVERED_ONLY }, async (before) => {
			expect(started(await pushAll(before, parcels, 10))).toHaveLength(20);
		});
		await withTrigger({ staticData, parameters: DELIVERED_ONLY }, async (after) => {
			expect(started(await pushAll(after, parcels, 5))).toHaveLength(0);
			expect(started(await pushAll(after, [parcel(999)], 1))).toHaveLength(1); // and it still fires for new ones
		});
	});

	it('two processes on one database: records wiped by the other process\'s save come back with the next push', async () => {
		const staticData: IDataObject = {};
		const forA = Array.from({ length: 15 }, (_, i) => parcel(300 + i));
		const forB = Array.from({ length: 15 }, (_, i) => parcel(400 + i));
		await withTrigger({ staticData, parameters: DELIVERED_ONLY }, async (a) => {
			await withTrigger({ staticData, parameters: DELIVERED_ONLY }, async (b) => {
				// Both processes at once, each writing its whole static data copy back.
				const [fromA, fromB] = await Promise.all([pushAll(a, forA, 5), pushAll(b, forB, 5)]);
				expect(started(fromA)).toHaveLength(15);
				expect(started(fromB)).toHaveLength(15);
				// One more (already known) push per process: each writes back everything it knows.
				expect(started(await pushAll(a, forA.slice(0, 1), 1))).toHaveLength(0);
				expect(started(await pushAll(b, forB.slice(0, 1), 1))).toHaveLength(0);
				// A also learned B's parcels from the saved copy, so it does not fire them either.
				expect(started(await pushAll(a, forB, 5))).toHaveLength(0);
			});
		});
		expect(Object.keys(savedShipments(staticData))).toHaveLength(30);
		// A restarted process fires none of the 30.
		await withTrigger({ staticData, parameters: DELIVERED_ONLY }, async (c) => {
			expect(started(await pushAll(c, [...forA, ...forB], 10))).toHaveLength(0);
		});
	});

	it('reads the 0.1 static data form (an object per shipment): a parcel that fired there does not fire again', async () => {
		const legacy = { ids: [], fired: ['delivered'], status: 'shutdown', seen: 1_700_000_000_000 };
		const staticData: IDataObject = { [STATIC_KEY]: { shipments: { [`kuaidi100:yuantong:${YUANTONG}`]: legacy } } };
		await withTrigger({ staticData, parameters: DELIVERED_ONLY }, async (hook) => {
			const result = await hook.post(undefined, deliveredPush(sample(YUANTONG)));
			expectReply(result, 200, KUAIDI100_ACK);
			expect(result.workflowData).toBeUndefined();
			// Converted to the compact form when the memory is written back.
			expect(decodeRecord(savedShipments(hook.staticData)[memoryKey(`kuaidi100:yuantong:${YUANTONG}`)]).fired).toBe(milestoneBit('delivered'));
			expect(hook.staticData[STATIC_KEY]).not.toHaveProperty('shipments');
		});
	});
});

describe('Tracking Webhook Trigger: compact memory', () => {
	it('a delivered parcel costs 32 bytes or fewer of static data, whatever its history', async () => {
		const parcels = Array.from({ length: 200 }, (_, i) => parcel(500 + i));
		await withTrigger({ parameters: { output: 'events' } }, async (hook) => {
			await pushAll(hook, parcels, 10);
			const saved = savedShipments(hook.staticData);
			expect(Object.keys(saved)).toHaveLength(200);
			// All encodings included: the static data object exactly as n8n stores it, as JSON.
			const bytesPerShipment = Buffer.byteLength(JSON.stringify(hook.staticData)) / 200;
			expect(bytesPerShipment).toBeLessThanOrEqual(32);
			// The newest event of the history is the marker: a full-history repeat emits nothing.
			const newest = sample(YUANTONG).timeline.length;
			expect(newest).toBeGreaterThan(5);
			expect(started(await pushAll(hook, parcels.slice(0, 5), 5))).toHaveLength(0);
		});
	});

	it('with a lower limit the oldest shipments are dropped from memory and static data alike', async () => {
		const parcels = Array.from({ length: 30 }, (_, i) => parcel(800 + i));
		await withTrigger({ parameters: { ...DELIVERED_ONLY, shipmentLimit: 20 } }, async (hook) => {
			await pushAll(hook, parcels, 1);
			const saved = Object.keys(savedShipments(hook.staticData));
			expect(saved).toHaveLength(20);
			expect(saved).toContain(memoryKey(`kuaidi100:yuantong:${parcels[29].trackingNumber}`));
			expect(saved).not.toContain(memoryKey(`kuaidi100:yuantong:${parcels[0].trackingNumber}`));
		});
	});
});

describe('Tracking Webhook Trigger: the editor\'s test URL', () => {
	it('keeps no process memory: with the static data of the test run reset, the same test push fires again', async () => {
		await withTrigger({ parameters: DELIVERED_ONLY, mode: 'manual' }, async (hook) => {
			const push = deliveredPush(sample(YUANTONG));
			expect(started(await pushAll(hook, [sample(YUANTONG)], 1))).toHaveLength(1);
			for (const key of Object.keys(hook.staticData)) delete hook.staticData[key];
			const again = await hook.post(undefined, push);
			expectReply(again, 200, KUAIDI100_ACK);
			expect(again.workflowData).toBeDefined();
		});
	});

	it('in production the process memory holds even when static data is reset behind its back', async () => {
		await withTrigger({ parameters: DELIVERED_ONLY }, async (hook) => {
			expect(started(await pushAll(hook, [sample(YUANTONG)], 1))).toHaveLength(1);
			for (const key of Object.keys(hook.staticData)) delete hook.staticData[key];
			expect(started(await pushAll(hook, [sample(YUANTONG)], 1))).toHaveLength(0);
			// ... and writes its memory back into the emptied static data.
			expect(Object.keys(savedShipments(hook.staticData))).toEqual([memoryKey(`kuaidi100:yuantong:${YUANTONG}`)]);
		});
	});
});
