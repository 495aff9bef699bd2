/**
 * The trigger's memory without n8n: selection, reservations settled by the reply, the
 * union with the durable copy, forgetting, and the upgrade from both earlier formats.
 * Each case has its own trigger identity, i.e. its own process memory.
 */
import { describe, expect, it } from 'vitest';
import { memoryKeyOf, selectPush, type PushFilter } from '../../src/push/memory';
import { textToEntries } from '../../src/push/memory-text';
import { decideInTriggerMemory, type PushMemoryStore } from '../../src/push/process-memory';
import { receiveKuaidi100Push, type ReceivedPush } from '../../src/push/receive';
import { decodeRecord, memoryKey, milestoneBit } from '../../src/push/record';

const inTransit = { time: '2024-03-08 17:04:19', statusCode: '1002', context: 'Arrived at Tianjin Transfer Center' };
const delivered = { time: '2024-03-09 10:47:53', statusCode: '304', context: 'Signed from locker' };
const ALL: PushFilter = { triggerOn: 'all', milestones: [], onlyNew: true };
const DELIVERED: PushFilter = { triggerOn: 'milestones', milestones: ['delivered'], onlyNew: true };

function receive(events: Array<typeof inTransit>, state: string, status = 'polling', nu = 'YT7450353838751'): ReceivedPush {
	const lastResult = { message: 'ok', nu, com: 'yuantong', state, status: '200', data: events.map((e) => ({ ...e, ftime: e.time, status: '' })) };
	const outcome = receiveKuaidi100Push(new URLSearchParams({ param: JSON.stringify({ status, lastResult }) }).toString(), undefined);
	if (!outcome.ok) throw new Error('push rejected');
	return outcome.push;
}

let triggers = 0;
/** A trigger's memory in one process, on its own static data. */
function trigger(store: PushMemoryStore = {}, limit = 1_000, nodeId = `node-${triggers++}`) {
	const identity = { mode: 'webhook', workflowId: 'unit', nodeId };
	const decide = (push: ReceivedPush, filter: PushFilter, nowMs?: number) =>
		decideInTriggerMemory(identity, store, limit, memoryKeyOf(push.shipment), (stored) => {
			const { selection, change } = selectPush(stored, push.shipment, push.pushStatus, filter, nowMs);
			return { result: selection, change };
		});
	/** Decides and, when it fires, settles as an acknowledged push. */
	const acked = (push: ReceivedPush, filter: PushFilter, nowMs?: number) => {
		const { result, reservation } = decide(push, filter, nowMs);
		reservation?.commit();
		return result;
	};
	return { store, decide, acked };
}

describe('selection', () => {
	it('emits only new events across repeated full-history pushes', () => {
		const { acked } = trigger();
		expect(acked(receive([inTransit], '1002'), ALL)).toMatchObject({ fire: true });
		expect(acked(receive([inTransit], '1002'), ALL).fire).toBe(false);
		const selection = acked(receive([delivered, inTransit], '304'), ALL);
		expect(selection.newEvents.map((e) => e.status_code)).toEqual(['304']);
	});

	it('fires when the push status changes even without a new event (e.g. abort)', () => {
		const { acked } = trigger();
		acked(receive([inTransit], '1002'), ALL);
		expect(acked(receive([inTransit], '1002', 'abort'), ALL)).toMatchObject({ fire: true, newEvents: [] });
	});

	it('fires the delivered filter exactly once however often it is pushed', () => {
		const { acked } = trigger();
		expect(acked(receive([inTransit], '1002'), DELIVERED).fire).toBe(false);
		expect(acked(receive([delivered, inTransit], '304', 'shutdown'), DELIVERED)).toMatchObject({ fire: true, matchedMilestones: ['delivered'] });
		expect(acked(receive([delivered, inTransit], '304', 'shutdown'), DELIVERED).fire).toBe(false);
	});

	it('without onlyNew, every matching push fires and nothing is stored', () => {
		const done = receive([delivered], '304');
		const off = { ...DELIVERED, onlyNew: false };
		expect(selectPush(undefined, done.shipment, done.pushStatus, off)).toEqual({ selection: expect.objectContaining({ fire: true }) });
	});

	it('when the carrier rewrote the history (the marked event is gone), only events after its time are new', () => {
		const { acked } = trigger();
		acked(receive([inTransit], '1002'), ALL);
		const rewritten = { ...inTransit, context: 'Arrived at Tianjin Transfer Centre' };
		const later = { time: '2024-03-09 08:00:00', statusCode: '5', context: 'Out for delivery' };
		expect(acked(receive([later, rewritten], '5'), ALL).newEvents.map((e) => e.description)).toEqual(['Out for delivery']);
	});
});

describe('reservations: remembered only once acknowledged', () => {
	it('a push that was not acknowledged is forgotten: the service\'s retry fires', () => {
		const { decide, acked, store } = trigger();
		const push = receive([delivered], '304', 'shutdown');
		const first = decide(push, DELIVERED);
		expect(first.result.fire).toBe(true);
		// Meanwhile the same push again: in flight counts, no second execution.
		expect(decide(push, DELIVERED).result.fire).toBe(false);
		first.reservation?.release();
		expect(acked(push, DELIVERED).fire).toBe(true);
		expect(acked(push, DELIVERED).fire).toBe(false);
		expect(decodeRecord(Object.fromEntries(textToEntries(store.memory ?? ''))[memoryKeyOf(push.shipment)]).fired).toBe(milestoneBit('delivered'));
	});

	it('a dropped reservation that another request saved is not merged back, and the next write leaves it out', () => {
		const { decide, store } = trigger();
		const refused = receive([delivered], '304', 'shutdown', 'YTREFUSED1');
		const other = receive([delivered], '304', 'shutdown', 'YTOTHER001');
		const a = decide(refused, DELIVERED);
		const b = decide(other, DELIVERED);
		b.reservation?.commit(); // its copy carries the refused push, still in flight
		const carried = store.memory;
		expect(Object.keys(Object.fromEntries(textToEntries(carried ?? '')))).toContain(memoryKeyOf(refused.shipment));
		a.reservation?.release();
		// n8n saved b's copy: the next push loads it, and writes the memory back without the refused parcel.
		decide(receive([inTransit], '1002', 'polling', 'YTTHIRD001'), DELIVERED);
		expect(store.memory).not.toBe(carried);
		expect(Object.keys(Object.fromEntries(textToEntries(store.memory ?? '')))).not.toContain(memoryKeyOf(refused.shipment));
		// A process started now (after a restart) fires the refused parcel's retry.
		expect(trigger(store).acked(refused, DELIVERED).fire).toBe(true);
	});

	it('settling twice is settling once', () => {
		const { decide, acked } = trigger();
		const push = receive([delivered], '304', 'shutdown');
		const { reservation } = decide(push, DELIVERED);
		reservation?.commit();
		reservation?.release();
		expect(acked(push, DELIVERED).fire).toBe(false);
	});
});

describe('the durable copy', () => {
	it('two processes on one copy: a union, whichever saves last', () => {
		const store: PushMemoryStore = {};
		const a = trigger(store);
		const b = trigger(store);
		const pa = receive([delivered], '304', 'shutdown', 'YTPROCESSA1');
		const pb = receive([delivered], '304', 'shutdown', 'YTPROCESSB1');
		a.acked(pa, DELIVERED);
		const savedByA = store.memory;
		b.acked(pb, DELIVERED);
		store.memory = savedByA; // A's older save lands last
		expect(b.acked(pb, DELIVERED).fire).toBe(false);
		expect(trigger(store).acked(pb, DELIVERED).fire).toBe(false);
		expect(trigger(store).acked(pa, DELIVERED).fire).toBe(false);
	});

	it('forgets the least recently fired shipments beyond the limit', () => {
		const { acked, store } = trigger({}, 300);
		for (let i = 0; i < 305; i++) acked(receive([delivered], '304', 'shutdown', `YT${String(i).padStart(10, '0')}`), DELIVERED, Date.UTC(2026, 0, 1) + i * 60_000);
		const keys = [...textToEntries(store.memory ?? '')].map(([key]) => key);
		expect(keys).toHaveLength(300);
		expect(keys).not.toContain(memoryKey('kuaidi100:yuantong:YT0000000004'));
		expect(keys).toContain(memoryKey('kuaidi100:yuantong:YT0000000005'));
		expect(keys).toContain(memoryKey('kuaidi100:yuantong:YT0000000304'));
	});
});

describe('upgrade from the earlier formats: nothing fires again', () => {
	const prefix = (push: ReceivedPush, i: number) => push.shipment.events[i].event_id.slice(0, 16);

	it('from "tracking-memory/1" text: fired milestones and emitted events carry over', () => {
		const done = receive([delivered, inTransit], '304', 'shutdown');
		const ids = [prefix(done, 1), prefix(done, 0)].join(''); // oldest first
		const line = `kuaidi100:yuantong:YT7450353838751\t${(milestoneBit('delivered')).toString(36)}|${(1_700_000_000_000).toString(36)}||${ids}|shutdown`;
		const { acked, store } = trigger({ memory: `tracking-memory/1\n${line}` });
		expect(acked(done, DELIVERED).fire).toBe(false);
		expect(trigger({ memory: `tracking-memory/1\n${line}` }).acked(done, ALL).fire).toBe(false);
		expect(store.memory?.startsWith('tracking-memory/2:')).toBe(true);
	});

	it('from the 0.1 object form, which is then removed', () => {
		const done = receive([delivered, inTransit], '304', 'shutdown');
		const shipments = { 'kuaidi100:yuantong:YT7450353838751': { ids: [prefix(done, 1), prefix(done, 0)], fired: ['delivered'], status: 'shutdown', seen: 1 } };
		const { acked, store } = trigger({ shipments });
		expect(acked(done, DELIVERED).fire).toBe(false);
		expect(trigger({ shipments }).acked(done, ALL).fire).toBe(false);
		expect(store.shipments).toBeUndefined();
		const more = receive([{ time: '2024-03-10 09:00:00', statusCode: '304', context: 'Collected again' }, delivered, inTransit], '304', 'shutdown');
		expect(trigger({ shipments }).acked(more, ALL).newEvents.map((e) => e.description)).toEqual(['Collected again']);
	});
});
