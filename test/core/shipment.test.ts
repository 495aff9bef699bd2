import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRACKING_EVENT_COLUMNS } from '../../src/normalize/event';
import { normalizeKeyDeliveryResult, normalizeKuaidi100Result } from '../../src/normalize/shipment';
import { contractMilestone } from '../sandbox/helpers';

const seedReply = JSON.parse(readFileSync(join(__dirname, 'fixtures/kuaidi100-seed-reply.json'), 'utf8')) as {
	data: Array<Record<string, string | null>>;
};
const FETCHED = new Date('2024-03-10T00:00:00.000Z');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('normalizeKuaidi100Result: the seed reply (section 1.7)', () => {
	const shipment = normalizeKuaidi100Result(seedReply, { source: 'query', fetchedAt: FETCHED });

	it('is a delivered shipment with 12 events, newest first', () => {
		expect(shipment).toMatchObject({
			provider: 'kuaidi100',
			carrier: 'yuantong',
			tracking_number: 'YT7450353838751',
			shipment_status: 'delivered',
			status_code: '304',
			delivered: true,
			terminal: true,
			event_count: 12,
			last_event_time: '2024-03-09T02:47:53.000Z',
			last_location: '天津市,北辰区',
			source: 'query',
			fetched_at: '2024-03-10T00:00:00.000Z',
		});
		expect(shipment.events).toHaveLength(12);
		const times = shipment.events.map((e) => e.event_time);
		expect([...times].sort().reverse()).toEqual(times);
	});

	it('maps each event fully (newest event)', () => {
		const [newest] = shipment.events;
		const original = seedReply.data[0];
		expect(newest).toEqual({
			event_id: sha256(`kuaidi100|yuantong|YT7450353838751|2024-03-09T02:47:53.000Z|304|${original.context}`),
			provider: 'kuaidi100',
			carrier: 'yuantong',
			tracking_number: 'YT7450353838751',
			event_time: '2024-03-09T02:47:53.000Z',
			event_time_local: '2024-03-09 10:47:53',
			status: 'delivered',
			status_code: '304',
			status_text: 'Signed from Locker or Station',
			description: original.context,
			location: '天津市,北辰区',
			area_code: '',
			area_name: '',
			longitude: null,
			latitude: null,
			shipment_status: 'delivered',
			source: 'query',
			fetched_at: '2024-03-10T00:00:00.000Z',
			export_run_id: '',
		});
		expect(Object.keys(newest).sort()).toEqual([...TRACKING_EVENT_COLUMNS].sort());
	});

	it('hard-coded event ids (python3 hashlib) for the newest and oldest events', () => {
		expect(shipment.events[0].event_id).toBe('450e995562dbdd8d1daab11e37e45541928d59fa4671b9ee1472e1f2430114b8');
		expect(shipment.events[11].event_id).toBe('4577596a7bdf8bd2f750c7af8aabd4fd9fba7d63987654fcc9e66e343c0acfa9');
	});

	it('takes coordinates and area from areaCenter/areaCode/areaName', () => {
		const dispatch = shipment.events[2];
		expect(dispatch).toMatchObject({
			status: 'out_for_delivery',
			status_code: '5',
			area_code: 'CN120113000000',
			area_name: '天津,天津,北辰区',
			longitude: 117.139343,
			latitude: 39.217817,
		});
		expect(shipment.events.map((e) => e.status)).toEqual([
			'delivered', 'available_for_pickup', 'out_for_delivery', 'in_transit',
			'in_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'picked_up',
		]);
		for (const event of shipment.events) expect(event.status).toBe(contractMilestone(event.status_code));
	});

	it('gives the same event ids for a push of the same history (dedup key)', () => {
		const pushed = normalizeKuaidi100Result(seedReply, { source: 'push', fetchedAt: new Date('2024-03-11T00:00:00Z'), exportRunId: 'run-1' });
		expect(pushed.events.map((e) => e.event_id)).toEqual(shipment.events.map((e) => e.event_id));
		expect(pushed.events[0]).toMatchObject({ source: 'push', export_run_id: 'run-1' });
	});

	it('sorts newest first whatever the order of the reply (order=asc)', () => {
		const asc = normalizeKuaidi100Result({ ...seedReply, data: [...seedReply.data].reverse() }, { source: 'query', fetchedAt: FETCHED });
		expect(asc.events.map((e) => e.event_id)).toEqual(shipment.events.map((e) => e.event_id));
	});

	it('converts with another source time zone, keeping the local text', () => {
		const tokyo = normalizeKuaidi100Result(seedReply, { source: 'query', fetchedAt: FETCHED, sourceTimeZone: 'Asia/Tokyo' });
		expect(tokyo.events[0].event_time).toBe('2024-03-09T01:47:53.000Z');
		expect(tokyo.events[0].event_time_local).toBe('2024-03-09 10:47:53');
		expect(tokyo.events[0].event_id).not.toBe(shipment.events[0].event_id);
	});
});

describe('normalizeKuaidi100Result: other shapes', () => {
	it('resultv2=0: no codes, shipment status from the basic state', () => {
		const reply = {
			message: 'ok', nu: 'ZT1234567', ischeck: '0', com: 'ZhongTong', status: '200', state: '5', condition: 'F00',
			data: [
				{ time: '2024-05-02 08:00:00', ftime: '2024-05-02 08:00:00', context: '派件中' },
				{ time: '2024-05-01 08:00:00', ftime: '2024-05-01 08:00:00', context: '已揽收' },
			],
		};
		const shipment = normalizeKuaidi100Result(reply, { source: 'query', fetchedAt: FETCHED });
		expect(shipment.carrier).toBe('zhongtong');
		expect(shipment.shipment_status).toBe('out_for_delivery');
		expect(shipment.events.map((e) => [e.status, e.status_code, e.status_text])).toEqual([
			['unknown', '', ''],
			['unknown', '', ''],
		]);
	});

	it('resultv2=1: statuses from names; a shipment without state takes the newest known name', () => {
		const reply = {
			nu: 'YD12345678', com: 'yunda',
			data: [
				{ time: '2024-05-03 09:00:00', context: 'x', status: '签收', areaCode: 'CN310000000000', areaName: '上海' },
				{ time: '2024-05-02 09:00:00', context: 'y', status: '在途', areaCode: null, areaName: null },
				{ time: '2024-05-01 09:00:00', context: 'z', status: 'Collected', areaCode: 'null', areaName: 'null' },
			],
		};
		const shipment = normalizeKuaidi100Result(reply, { source: 'push', fetchedAt: FETCHED });
		expect(shipment.shipment_status).toBe('delivered');
		expect(shipment.status_code).toBe('');
		expect(shipment.events.map((e) => e.status)).toEqual(['delivered', 'in_transit', 'picked_up']);
		expect(shipment.events[0]).toMatchObject({ area_code: 'CN310000000000', area_name: '上海', status_code: '' });
		expect(shipment.events[2]).toMatchObject({ area_code: '', area_name: '' });
	});

	it('unknown codes are kept; nulls and "null" become empty; line breaks become spaces', () => {
		const reply = {
			nu: 'YD12345678', com: 'yunda', state: '999',
			data: [
				{ time: '2024-05-03 09:00:00', ftime: '2024-05-03 09:00:00', context: 'odd', status: 'Custom', statusCode: '999' },
				{
					time: '2024-05-02 09:00:00', ftime: '2024-05-02 09:00:00', context: 'line one\nline two\r\nline three',
					status: 'null', statusCode: '0', areaCode: null, areaName: 'null', areaCenter: 'null', location: null, areaPinYin: null,
				},
			],
		};
		const shipment = normalizeKuaidi100Result(reply, { source: 'query', fetchedAt: FETCHED });
		expect(shipment.shipment_status).toBe('unknown');
		expect(shipment.status_code).toBe('999');
		expect(shipment.terminal).toBe(false);
		expect(shipment.events[0]).toMatchObject({ status: 'unknown', status_code: '999', status_text: 'Custom' });
		const nullish = shipment.events[1];
		expect(nullish).toMatchObject({
			status: 'in_transit', status_text: '', description: 'line one line two line three',
			location: '', area_code: '', area_name: '', longitude: null, latitude: null,
		});
		for (const value of Object.values(nullish)) if (typeof value === 'string') expect(value.toLowerCase()).not.toContain('null');
		expect(nullish.event_id).toBe(sha256('kuaidi100|yunda|YD12345678|2024-05-02T01:00:00.000Z|0|line one line two line three'));
	});

	it('no events: pending; carrier and number from the options when the reply lacks them', () => {
		const shipment = normalizeKuaidi100Result({ data: [] }, { source: 'query', carrier: 'JD', trackingNumber: 'JD001234567', fetchedAt: FETCHED });
		expect(shipment).toMatchObject({ shipment_status: 'pending', carrier: 'jd', tracking_number: 'JD001234567', event_count: 0, last_event_time: '', terminal: false });
	});

	it('never crashes on junk', () => {
		for (const junk of [null, undefined, 42, 'text', [], { data: 'x' }, { data: [null, 1, 'a'] }]) {
			expect(normalizeKuaidi100Result(junk, { source: 'query' }).events).toEqual([]);
		}
	});
});

describe('normalizeKeyDeliveryResult', () => {
	it('normalizes realtime data with area_show=1 items (numeric and string codes, "null" values)', () => {
		const data = {
			carrier_id: 'UPS',
			tracking_number: '1Z999AA10123456784',
			order_status_code: 4,
			items: [
				{ context: 'Returned to shipper', time: '2024-08-05 09:00:00', order_status_code: 4, order_status_description: 'Returned', area_name: 'Chicago, IL, United States', location: 'Chicago, IL' },
				{ context: 'Departed from facility\r\nLouisville, KY', time: '2024-08-01 20:00:00', order_status_code: '0', order_status_description: 'In transit', area_name: 'null', location: null },
			],
		};
		const shipment = normalizeKeyDeliveryResult(data, { source: 'query', fetchedAt: FETCHED });
		expect(shipment).toMatchObject({ provider: 'keydelivery', carrier: 'ups', shipment_status: 'returned', status_code: '4', terminal: true, delivered: false });
		expect(shipment.events[0]).toMatchObject({ status: 'returned', status_code: '4', status_text: 'Returned', area_name: 'Chicago, IL, United States', location: 'Chicago, IL', area_code: '' });
		expect(shipment.events[1]).toMatchObject({
			status: 'in_transit', description: 'Departed from facility Louisville, KY', area_name: '', location: '',
			event_time: '2024-08-01T12:00:00.000Z', event_time_local: '2024-08-01 20:00:00',
		});
		// python3 hashlib vector
		expect(shipment.events[1].event_id).toBe('6c8713ef801c09a2602fcb3b94b1112a85ff5b828ebb1fd0c1f194fc069364e4');
	});

	it('items without codes (area_show off): per-event unknown, shipment status from the shipment code', () => {
		const data = {
			carrier_id: 'dhl', tracking_number: '9926933413', order_status_code: 3,
			items: [
				{ context: 'Delivered', time: '2021-07-09 18:47:17', area_name: 'null', location: 'null' },
				{ context: 'Shipment picked up', time: '2021-05-25 04:57:39', area_name: null, location: null },
			],
		};
		const shipment = normalizeKeyDeliveryResult(data, { source: 'push', fetchedAt: FETCHED });
		expect(shipment.shipment_status).toBe('delivered');
		expect(shipment.events.map((e) => e.status)).toEqual(['unknown', 'unknown']);
		expect(shipment.events[0]).toMatchObject({ location: '', area_name: '' });
	});

	it('a webhook body normalizes like realtime data', () => {
		const hook = { event: 'Delivered', message: 'Success', carrier_id: 'usps', tracking_number: 'LY811679807CN', signer: 1, order_status_code: 304, items: [{ context: 'Picked up', time: '2024-05-06 19:05:00', order_status_code: '304', order_status_description: 'Picked up from locker', area_name: 'LA', location: 'LA' }] };
		const shipment = normalizeKeyDeliveryResult(hook, { source: 'push', fetchedAt: FETCHED });
		expect(shipment).toMatchObject({ shipment_status: 'delivered', event_count: 1, source: 'push' });
		expect(shipment.events[0].status).toBe('delivered');
	});

	it('no items: pending', () => {
		expect(normalizeKeyDeliveryResult({ carrier_id: 'usps', tracking_number: 'X', items: [] }, { source: 'query' }).shipment_status).toBe('pending');
	});
});
