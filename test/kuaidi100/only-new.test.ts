import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventDedupKey, milestoneDedupKey } from '../../src/core/keys';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { harnessDeduplicator } from '../harness/deduplication';
import { json, kuaidi100Node, queriesOf, YT } from './polling';

let sandbox: Sandbox;

// The parcel shows 2 events at first; advance() reveals more. The lockout guard is off
// here (its own tests are in lockout.test.ts): these runs follow each other in seconds.
beforeEach(async () => {
	sandbox = await startSandbox({ enforceLockout: false, revealSteps: 2 });
});
afterEach(async () => {
	harnessDeduplicator.latencyMs = 0;
	await sandbox.close();
});

const query = { carrierCode: 'yuantong', trackingNumber: YT, lockoutGuard: false };

describe('Kuaidi100 Query: Only New, any new event', () => {
	it('outputs each event once across executions, with its dedup_key, and remembers it in n8n\'s store', async () => {
		const node = kuaidi100Node(sandbox);
		const first = json(await node.run({ ...query, output: 'events', onlyNew: true }));
		expect(first.map((e) => e.status_code)).toEqual(['1002', '1']);
		for (const event of first) {
			expect(event.dedup_key).toBe(eventDedupKey(String(event.event_id)));
			expect(node.remembers(String(event.dedup_key))).toBe(true);
		}

		expect(json(await node.run({ ...query, output: 'events', onlyNew: true }))).toEqual([]);

		sandbox.advance(3);
		const third = json(await node.run({ ...query, output: 'events', onlyNew: true }));
		expect(third.map((e) => e.event_time_local)).toEqual(['2024-03-08 10:37:01', '2024-03-08 03:50:46', '2024-03-08 03:48:09']);
		expect(queriesOf(sandbox, YT)).toHaveLength(3);
	});

	it('Simplified: one item per shipment with new_events; nothing when nothing is new', async () => {
		const node = kuaidi100Node(sandbox);
		const [first] = json(await node.run({ ...query, onlyNew: true }));
		expect(first.event_count).toBe(2);
		expect((first.new_events as unknown[]).length).toBe(2);
		expect(first.dedup_key).toBe(eventDedupKey((first.new_events as Array<{ event_id: string }>)[0].event_id));

		sandbox.advance(1);
		const second = await node.run({ ...query, onlyNew: true });
		expect(second.items).toHaveLength(1);
		expect(second.items[0].pairedItem).toEqual({ item: 0 });
		const shipment = second.items[0].json as { events: unknown[]; new_events: Array<{ description: string }> };
		expect(shipment.events).toHaveLength(3);
		expect(shipment.new_events.map((e) => e.description)).toEqual(['Your package has arrived at the Jinan Transfer Center']);
	});

	it('is per node: another node of the workflow has its own memory; off, the node outputs everything', async () => {
		const node = kuaidi100Node(sandbox);
		await node.run({ ...query, output: 'events', onlyNew: true });
		expect(json(await kuaidi100Node(sandbox).run({ ...query, output: 'events', onlyNew: true }))).toHaveLength(2);
		expect(json(await node.run({ ...query, output: 'events' }))).toHaveLength(2);
		expect(json(await node.run({ ...query, output: 'events' }))[0]).not.toHaveProperty('dedup_key');
	});

	it('two items for the same parcel: one request, and the new events come out once (on the first item)', async () => {
		const node = kuaidi100Node(sandbox);
		const result = await node.run(
			{ carrierCode: '={{ $json.carrier }}', trackingNumber: '={{ $json.number }}', lockoutGuard: false, output: 'events', onlyNew: true },
			[{ carrier: 'yuantong', number: YT }, { carrier: 'yuantong', number: YT }],
		);
		expect(queriesOf(sandbox, YT)).toHaveLength(1);
		expect(result.items).toHaveLength(2);
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});
});

describe('Kuaidi100 Query: Only New with the delivered milestone', () => {
	const delivered = { ...query, onlyNew: true, emitOn: 'milestones', milestones: ['delivered'] };

	it('outputs the parcel once, when it is delivered, with the milestone dedup_key', async () => {
		const node = kuaidi100Node(sandbox);
		expect(json(await node.run(delivered))).toEqual([]); // collected, in transit
		sandbox.advance(8); // out for delivery, at the locker: not delivered yet
		expect(json(await node.run(delivered))).toEqual([]);
		sandbox.advance(2); // signed for at the locker (304)
		const [item] = json(await node.run(delivered));
		expect(item).toMatchObject({ tracking_number: YT, shipment_status: 'delivered', matched_milestone: 'delivered', matched_milestones: ['delivered'] });
		expect(item.dedup_key).toBe(milestoneDedupKey('kuaidi100', 'yuantong', YT, 'delivered'));
		expect(json(await node.run(delivered))).toEqual([]);
		expect(json(await node.run({ ...delivered, output: 'events' }))).toEqual([]);
		// Only the milestone is remembered, not the events.
		expect(node.entries()).toBe(1);
	});

	it('Events output: the newest event of each newly reached milestone', async () => {
		sandbox.advance(10);
		const node = kuaidi100Node(sandbox);
		const items = json(await node.run({ ...delivered, milestones: ['out_for_delivery', 'delivered'], output: 'events' }));
		expect(items.map((e) => [e.matched_milestone, e.status_code])).toEqual([
			['out_for_delivery', '5'],
			['delivered', '304'],
		]);
		expect(new Set(items.map((e) => e.dedup_key)).size).toBe(2);
	});

	it('two executions that meet in one process output the delivered parcel once in all', async () => {
		sandbox.advance(10);
		const node = kuaidi100Node(sandbox);
		// A DB round trip as slow as a busy database: the executions' store calls overlap.
		harnessDeduplicator.latencyMs = 40;
		const runs = await Promise.all([node.run(delivered), node.run(delivered), node.run(delivered)]);
		expect(runs.map((run) => run.error)).toEqual([undefined, undefined, undefined]);
		expect(runs.flatMap(json)).toHaveLength(1);
		expect(queriesOf(sandbox, YT)).toHaveLength(3);
	});
});
