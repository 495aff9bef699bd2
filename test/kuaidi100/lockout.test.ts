import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LOCKOUT_MESSAGE, startSandbox, type Sandbox } from '../../src/sandbox';
import { harnessDeduplicator } from '../harness/deduplication';
import { json, kuaidi100Node, queriesOf, SF, YT } from './polling';

let sandbox: Sandbox;

// The clock (Date only; timers stay real) is set per test. The sandbox runs in this
// process on the same clock and locks a number queried again within 30 minutes, as
// Kuaidi100 does: a guard that let a query through too early would get its error.
beforeEach(async () => {
	vi.useFakeTimers({ toFake: ['Date'] });
	sandbox = await startSandbox({ revealSteps: 100 });
});
afterEach(async () => {
	vi.useRealTimers();
	harnessDeduplicator.latencyMs = 0;
	await sandbox.close();
});

const at = (time: string) => vi.setSystemTime(new Date(time));
const yt = { carrierCode: 'yuantong', trackingNumber: YT };

describe('Kuaidi100 Query: lockout guard', () => {
	it('does not query a number again within 30 minutes: the item says skipped and when the next query is allowed', async () => {
		const node = kuaidi100Node(sandbox);
		at('2026-11-29T10:05:00Z');
		expect(json(await node.run(yt))[0]).toMatchObject({ tracking_number: YT, shipment_status: 'delivered' });

		at('2026-11-29T10:20:00Z');
		const skipped = await node.run(yt);
		expect(skipped.error).toBeUndefined();
		expect(skipped.items).toHaveLength(1);
		expect(skipped.items[0].pairedItem).toEqual({ item: 0 });
		expect(skipped.items[0].json).toMatchObject({
			provider: 'kuaidi100',
			carrier: 'yuantong',
			tracking_number: YT,
			skipped: true,
			status: 'skipped',
			next_query_at: '2026-11-29T11:00:00.000Z',
		});
		expect(String(skipped.items[0].json.message)).toContain('Lockout Guard');
		expect(queriesOf(sandbox, YT)).toHaveLength(1);

		// Being skipped is no query: it does not push the next allowed time further out.
		at('2026-11-29T10:45:00Z');
		expect(json(await node.run(yt))[0]).toMatchObject({ skipped: true, next_query_at: '2026-11-29T11:00:00.000Z' });
		at('2026-11-29T11:00:00Z');
		expect(json(await node.run(yt))[0]).toMatchObject({ shipment_status: 'delivered' });
		expect(queriesOf(sandbox, YT)).toHaveLength(2);
	});

	it('keeps any two queries of a number at least 30 minutes apart, and lets runs 60 minutes apart through', async () => {
		const cases: Array<[string, string, boolean]> = [
			['2026-11-29T10:29:59Z', '2026-11-29T10:30:01Z', false],
			['2026-11-29T10:00:00Z', '2026-11-29T10:29:59Z', false],
			['2026-11-29T10:00:00Z', '2026-11-29T10:31:00Z', false],
			['2026-11-29T10:29:00Z', '2026-11-29T11:00:00Z', true],
			['2026-11-29T10:00:00Z', '2026-11-29T11:00:00Z', true],
			['2026-11-29T10:29:59Z', '2026-11-29T11:29:59Z', true],
			['2026-11-29T10:17:30Z', '2026-11-29T11:17:30Z', true],
		];
		for (const [first, second, allowed] of cases) {
			sandbox.clearLockouts();
			const node = kuaidi100Node(sandbox);
			at(first);
			expect(json(await node.run(yt))[0]).not.toHaveProperty('skipped');
			at(second);
			const [item] = json(await node.run(yt));
			expect({ first, second, queried: item.skipped !== true }).toEqual({ first, second, queried: allowed });
			if (!allowed) expect(Date.parse(String(item.next_query_at)) - Date.parse(first)).toBeGreaterThanOrEqual(30 * 60_000);
		}
	});

	it('hourly polling keeps one query record per number in the store, however long it runs', async () => {
		const node = kuaidi100Node(sandbox);
		for (let hour = 0; hour < 6; hour++) {
			at(new Date(Date.parse('2026-11-29T10:17:00Z') + hour * 3_600_000 + (hour % 2) * 1_000).toISOString());
			expect(json(await node.run(yt))[0]).not.toHaveProperty('skipped');
			expect(node.entries()).toBe(1);
		}
		expect(queriesOf(sandbox, YT)).toHaveLength(6);
	});

	it('two executions started at the same moment query a number once; the other reports the skip', async () => {
		const node = kuaidi100Node(sandbox);
		at('2026-11-29T10:05:00Z');
		harnessDeduplicator.latencyMs = 40;
		const runs = await Promise.all([node.run(yt), node.run(yt), node.run(yt)]);
		expect(queriesOf(sandbox, YT)).toHaveLength(1);
		const items = runs.flatMap(json);
		expect(items.filter((item) => item.skipped === true)).toHaveLength(2);
		expect(items.filter((item) => item.shipment_status === 'delivered')).toHaveLength(1);
	});

	it('the memory is the node\'s, in n8n\'s store: a new node instance (as after a restart) still skips', async () => {
		const node = kuaidi100Node(sandbox);
		at('2026-11-29T10:05:00Z');
		await node.run(yt);
		at('2026-11-29T10:06:00Z');
		const afterRestart = kuaidi100Node(sandbox, node.id); // new Kuaidi100() per run anyway; same node id
		expect(json(await afterRestart.run(yt))[0]).toMatchObject({ skipped: true });
		expect(queriesOf(sandbox, YT)).toHaveLength(1);
		// Another node keeps its own record (the memory is per node): it does send.
		await kuaidi100Node(sandbox).run(yt);
		expect(queriesOf(sandbox, YT)).toHaveLength(2);
	});

	it('skips only the numbers queried recently; other items are queried in the same execution', async () => {
		const node = kuaidi100Node(sandbox);
		const params = { carrierCode: '={{ $json.carrier }}', trackingNumber: '={{ $json.number }}', phone: '={{ $json.phone }}' };
		at('2026-11-29T10:05:00Z');
		await node.run(params, [{ carrier: 'yuantong', number: YT, phone: '' }]);
		at('2026-11-29T10:10:00Z');
		const result = await node.run(params, [
			{ carrier: 'shunfeng', number: SF, phone: '8000' },
			{ carrier: 'yuantong', number: YT, phone: '' },
		]);
		expect(json(result).map((item) => [item.tracking_number, item.skipped === true])).toEqual([
			[SF, false],
			[YT, true],
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('an item with bad input is its own error (Continue On Fail); the others are guarded as usual', async () => {
		const node = kuaidi100Node(sandbox);
		at('2026-11-29T10:05:00Z');
		const result = await node.run({ carrierCode: '={{ $json.carrier }}', trackingNumber: YT }, [{ carrier: 'Yuan Tong!' }, { carrier: 'yuantong' }], true);
		expect(result.items.map((item) => [item.pairedItem, Object.keys(item.json).includes('error')])).toEqual([
			[{ item: 0 }, true],
			[{ item: 1 }, false],
		]);
		expect(String(result.items[0].json.error)).toContain('Carrier Code');
		expect(queriesOf(sandbox, YT)).toHaveLength(1);
	});

	it('a second, different request for the same number in one execution is skipped, not sent', async () => {
		const node = kuaidi100Node(sandbox);
		at('2026-11-29T10:05:00Z');
		const result = await node.run(
			{ carrierCode: 'yuantong', trackingNumber: YT, queryOptions: { lang: '={{ $json.lang }}' } },
			[{ lang: 'en' }, { lang: 'zh' }],
		);
		expect(queriesOf(sandbox, YT)).toHaveLength(1);
		expect(json(result).map((item) => item.skipped === true)).toEqual([false, true]);
	});

	it('with the guard off the query is sent, and Kuaidi100\'s own lockout answers', async () => {
		const node = kuaidi100Node(sandbox);
		at('2026-11-29T10:05:00Z');
		await node.run(yt);
		at('2026-11-29T10:06:00Z');
		const result = await node.run({ ...yt, lockoutGuard: false });
		expect(queriesOf(sandbox, YT)).toHaveLength(2);
		expect(JSON.stringify(result.error)).toContain(DEFAULT_LOCKOUT_MESSAGE.slice(0, 10));
	});

	it('with Only New, a skipped number still comes out as skipped (the workflow can tell)', async () => {
		const node = kuaidi100Node(sandbox);
		const delivered = { ...yt, onlyNew: true, emitOn: 'milestones', milestones: ['delivered'] };
		at('2026-11-29T10:05:00Z');
		expect(json(await node.run(delivered))).toHaveLength(1);
		at('2026-11-29T10:07:00Z');
		expect(json(await node.run(delivered))).toEqual([expect.objectContaining({ skipped: true })]);
		at('2026-11-29T11:07:00Z');
		expect(json(await node.run(delivered))).toEqual([]);
		expect(queriesOf(sandbox, YT)).toHaveLength(2);
	});
});
