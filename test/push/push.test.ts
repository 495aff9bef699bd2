import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selectAndRemember, type ShipmentMemoryMap } from '../../src/push/memory';
import { decodeRecord, IDS_PER_SHIPMENT } from '../../src/push/record';
import { receiveKeyDeliveryWebhook, receiveKuaidi100Push, tokenMatches } from '../../src/push/receive';

const SALT = 'push-salt';
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();

function lastResult(events: Array<{ time: string; statusCode: string; context: string }>, state: string) {
	return {
		message: 'ok',
		nu: 'YT7450353838751',
		com: 'yuantong',
		state,
		status: '200',
		data: events.map((e) => ({ ...e, ftime: e.time, status: '', areaCenter: null })),
	};
}

function pushBody(param: string, sign?: string): string {
	const form = new URLSearchParams({ param });
	if (sign !== undefined) form.set('sign', sign);
	return form.toString();
}

const inTransit = { time: '2024-03-08 17:04:19', statusCode: '1002', context: 'Arrived at Tianjin Transfer Center' };
const delivered = { time: '2024-03-09 10:47:53', statusCode: '304', context: 'Signed from locker' };

describe('receiveKuaidi100Push', () => {
	const param = JSON.stringify({ status: 'polling', message: '', comOld: '', comNew: '', lastResult: lastResult([inTransit], '1002') });

	it('accepts a push signed with MD5(param + salt) over the raw param text', () => {
		const outcome = receiveKuaidi100Push(pushBody(param, md5(param + SALT)), SALT);
		expect(outcome.ok).toBe(true);
		if (!outcome.ok) return;
		expect(outcome.push.pushStatus).toBe('polling');
		expect(outcome.push.shipment.source).toBe('push');
		expect(outcome.push.shipment.events[0].event_time).toBe('2024-03-08T09:04:19.000Z');
	});

	it('rejects a forged or missing sign with 401 when a salt is set', () => {
		const forged = receiveKuaidi100Push(pushBody(param, md5(param + 'other-salt')), SALT);
		expect(forged).toMatchObject({ ok: false, status: 401 });
		const missing = receiveKuaidi100Push(pushBody(param), SALT);
		expect(missing).toMatchObject({ ok: false, status: 401 });
	});

	it('accepts an unsigned push when no salt is configured', () => {
		expect(receiveKuaidi100Push(pushBody(param), undefined).ok).toBe(true);
	});

	it('rejects a body without param, or with param that is not JSON, with 400', () => {
		expect(receiveKuaidi100Push('hello=world', undefined)).toMatchObject({ ok: false, status: 400 });
		const broken = '{"status":"polling",';
		expect(receiveKuaidi100Push(pushBody(broken, md5(broken + SALT)), SALT)).toMatchObject({ ok: false, status: 400 });
	});

	it('reports a carrier correction', () => {
		const corrected = JSON.stringify({ status: 'polling', comOld: 'yunda', comNew: 'yuantong', lastResult: lastResult([inTransit], '1002') });
		const outcome = receiveKuaidi100Push(pushBody(corrected), undefined);
		expect(outcome.ok && outcome.push.carrierCorrection).toEqual({ from: 'yunda', to: 'yuantong' });
	});
});

describe('receiveKeyDeliveryWebhook and tokenMatches', () => {
	it('parses a webhook body, turning "null" strings into empty fields', () => {
		const body = JSON.stringify({
			event: 'tracking_update',
			message: 'ok',
			carrier_id: 'usps',
			tracking_number: 'LY811679807CN',
			order_status_code: '3',
			items: [{ time: '2024-03-09 10:47:53', context: 'Delivered', order_status_code: '3', order_status_description: 'Delivered', area_name: 'null', location: 'null' }],
		});
		const outcome = receiveKeyDeliveryWebhook(body);
		expect(outcome.ok).toBe(true);
		if (!outcome.ok) return;
		expect(outcome.push.shipment.shipment_status).toBe('delivered');
		expect(outcome.push.shipment.events[0]).toMatchObject({ provider: 'keydelivery', area_name: '', location: '', status: 'delivered' });
	});

	it('rejects bodies that are not JSON or not a webhook', () => {
		expect(receiveKeyDeliveryWebhook('{oops')).toMatchObject({ ok: false, status: 400 });
		expect(receiveKeyDeliveryWebhook('{"event":"x"}')).toMatchObject({ ok: false, status: 400 });
	});

	it('compares tokens exactly and never accepts an empty one', () => {
		expect(tokenMatches('s3cret-token', 's3cret-token')).toBe(true);
		expect(tokenMatches('s3cret-tokeN', 's3cret-token')).toBe(false);
		expect(tokenMatches('s3cret', 's3cret-token')).toBe(false);
		expect(tokenMatches(undefined, 's3cret-token')).toBe(false);
		expect(tokenMatches('', '')).toBe(false);
	});
});

describe('selectAndRemember', () => {
	const receive = (events: typeof inTransit[], state: string, status = 'polling') => {
		const param = JSON.stringify({ status, lastResult: lastResult(events, state) });
		const outcome = receiveKuaidi100Push(pushBody(param), undefined);
		if (!outcome.ok) throw new Error('push rejected');
		return outcome.push;
	};

	it('emits only new events across repeated full-history pushes', () => {
		const store: ShipmentMemoryMap = new Map();
		const filter = { triggerOn: 'all' as const, milestones: [], onlyNew: true };
		const first = receive([inTransit], '1002');
		expect(selectAndRemember(store, first.shipment, first.pushStatus, filter)).toMatchObject({ fire: true });
		const repeat = receive([inTransit], '1002');
		expect(selectAndRemember(store, repeat.shipment, repeat.pushStatus, filter).fire).toBe(false);
		const next = receive([delivered, inTransit], '304');
		const selection = selectAndRemember(store, next.shipment, next.pushStatus, filter);
		expect(selection.fire).toBe(true);
		expect(selection.newEvents.map((e) => e.status_code)).toEqual(['304']);
	});

	it('fires when the push status changes even without a new event (e.g. abort)', () => {
		const store: ShipmentMemoryMap = new Map();
		const filter = { triggerOn: 'all' as const, milestones: [], onlyNew: true };
		const first = receive([inTransit], '1002');
		selectAndRemember(store, first.shipment, first.pushStatus, filter);
		const aborted = receive([inTransit], '1002', 'abort');
		expect(selectAndRemember(store, aborted.shipment, aborted.pushStatus, filter)).toMatchObject({ fire: true, newEvents: [] });
	});

	it('fires the delivered filter exactly once however often it is pushed', () => {
		const store: ShipmentMemoryMap = new Map();
		const filter = { triggerOn: 'milestones' as const, milestones: ['delivered' as const], onlyNew: true };
		const transit = receive([inTransit], '1002');
		expect(selectAndRemember(store, transit.shipment, transit.pushStatus, filter).fire).toBe(false);
		const done = receive([delivered, inTransit], '304', 'shutdown');
		expect(selectAndRemember(store, done.shipment, done.pushStatus, filter)).toMatchObject({ fire: true, matchedMilestones: ['delivered'] });
		const again = receive([delivered, inTransit], '304', 'shutdown');
		expect(selectAndRemember(store, again.shipment, again.pushStatus, filter).fire).toBe(false);
	});

	it('without onlyNew, every matching push fires and nothing is stored', () => {
		const store: ShipmentMemoryMap = new Map();
		const filter = { triggerOn: 'milestones' as const, milestones: ['delivered' as const], onlyNew: false };
		const done = receive([delivered], '304');
		expect(selectAndRemember(store, done.shipment, done.pushStatus, filter).fire).toBe(true);
		expect(selectAndRemember(store, done.shipment, done.pushStatus, filter).fire).toBe(true);
		expect(store.size).toBe(0);
	});

	it('a history longer than the id limit, pushed again, brings nothing new (trimmed ids are covered by a time floor)', () => {
		const store: ShipmentMemoryMap = new Map();
		const filter = { triggerOn: 'all' as const, milestones: [], onlyNew: true };
		const base = Date.UTC(2024, 0, 1);
		const china = (i: number) => new Date(base + i * 60_000 + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
		const events = Array.from({ length: IDS_PER_SHIPMENT + 7 }, (_, i) => ({ time: china(i), statusCode: '1002', context: `Scan ${i}` }));
		const all = receive([...events].reverse(), '1002');
		expect(selectAndRemember(store, all.shipment, all.pushStatus, filter).newEvents).toHaveLength(events.length);
		const memory = decodeRecord(store.get('kuaidi100:yuantong:YT7450353838751')!);
		expect(memory.ids).toHaveLength(IDS_PER_SHIPMENT);
		expect(memory.floor).toBe(Date.parse(all.shipment.events[IDS_PER_SHIPMENT].event_time)); // newest trimmed one
		const again = receive([...events].reverse(), '1002');
		expect(selectAndRemember(store, again.shipment, again.pushStatus, filter)).toMatchObject({ fire: false, newEvents: [] });
		const more = receive([{ time: china(events.length + 5), statusCode: '5', context: 'Out for delivery' }, ...[...events].reverse()], '5');
		const selection = selectAndRemember(store, more.shipment, more.pushStatus, filter);
		expect(selection.newEvents.map((e) => e.description)).toEqual(['Out for delivery']);
		expect(decodeRecord(store.get('kuaidi100:yuantong:YT7450353838751')!).ids).toHaveLength(IDS_PER_SHIPMENT);
	});

	it('stays bounded: the least recently seen shipments are forgotten first', () => {
		const store: ShipmentMemoryMap = new Map();
		const filter = { triggerOn: 'all' as const, milestones: [], onlyNew: true };
		const base = receive([inTransit], '1002');
		const limit = 300;
		for (let i = 0; i < limit + 5; i++) {
			const shipment = { ...base.shipment, tracking_number: `YT${String(i).padStart(10, '0')}` };
			selectAndRemember(store, shipment, 'polling', filter, limit, 1_000 + i);
		}
		const keys = [...store.keys()];
		expect(keys).toHaveLength(limit);
		expect(keys).not.toContain('kuaidi100:yuantong:YT0000000004');
		expect(keys).toContain('kuaidi100:yuantong:YT0000000005');
		expect(keys).toContain(`kuaidi100:yuantong:YT${String(limit + 4).padStart(10, '0')}`);
	});
});
