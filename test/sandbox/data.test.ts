import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	buildKeyDeliveryWebhook,
	buildKuaidi100Push,
	renderKeyDeliveryItems,
	renderKeyDeliveryRealtime,
	renderKuaidi100Result,
	sampleShipments,
	type SandboxShipment,
} from '../../src/sandbox';
import { contractMilestone, CONTRACT_MILESTONES, md5Hex } from './helpers';

const seedReply = JSON.parse(readFileSync(join(__dirname, '../core/fixtures/kuaidi100-seed-reply.json'), 'utf8')) as {
	data: Array<Record<string, unknown>>;
	[key: string]: unknown;
};

function find(provider: string, carrier: string, number: string): SandboxShipment {
	const shipment = sampleShipments().find((s) => s.provider === provider && s.carrier === carrier && s.trackingNumber === number);
	if (!shipment) throw new Error(`no sample ${provider} ${carrier} ${number}`);
	return shipment;
}

describe('sampleShipments', () => {
	it('holds the seed page timeline of YT7450353838751 exactly, oldest first', () => {
		const seed = find('kuaidi100', 'yuantong', 'YT7450353838751');
		expect(seed.timeline).toHaveLength(12);
		const newestFirst = [...seed.timeline].reverse();
		newestFirst.forEach((event, i) => {
			const original = seedReply.data[i];
			expect(event.time).toBe(original.time);
			expect(event.time).toBe(original.ftime);
			expect(event.context).toBe(original.context);
			expect(event.status).toBe(original.status);
			expect(event.statusCode).toBe(original.statusCode);
			expect(event.areaCode).toBe(original.areaCode);
			expect(event.areaName).toBe(original.areaName);
			expect(event.areaCenter).toBe(original.areaCenter);
			expect(event.location).toBe(original.location);
			expect(event.areaPinYin).toBe(original.areaPinYin);
		});
	});

	it('has an SF Express shipment with a phone', () => {
		const sf = sampleShipments().find((s) => s.carrier === 'shunfeng');
		expect(sf?.provider).toBe('kuaidi100');
		expect(sf?.phone).toMatch(/^\d{11}$/);
	});

	for (const provider of ['kuaidi100', 'keydelivery'] as const) {
		it(`covers every milestone of the contract for ${provider}`, () => {
			const own = sampleShipments().filter((s) => s.provider === provider);
			const carriers = new Set(own.map((s) => s.carrier));
			expect(carriers.has('usps')).toBe(true);
			expect(carriers.has('dhl')).toBe(true);
			expect(carriers.size).toBeGreaterThanOrEqual(4);
			const seen = new Set(own.flatMap((s) => s.timeline.map((e) => contractMilestone(e.statusCode))));
			for (const milestone of Object.keys(CONTRACT_MILESTONES)) expect(seen, milestone).toContain(milestone);
			expect(seen).toContain('unknown');
			const codes = own.flatMap((s) => s.timeline.map((e) => e.statusCode));
			expect(codes).toContain('999');
			expect(codes.some((c) => /^2\d\d$/.test(c))).toBe(true);
			// A pending number (no events at all).
			expect(own.some((s) => s.timeline.length === 0)).toBe(true);
			// A return: 6 then, later, 4.
			expect(own.some((s) => {
				const list = s.timeline.map((e) => e.statusCode);
				return list.includes('6') && list.indexOf('4') > list.indexOf('6');
			})).toBe(true);
			// An event with null and "null" values.
			expect(own.some((s) => s.timeline.some((e) =>
				Object.values(e).includes(null) && Object.values(e).includes('null')))).toBe(true);
		});
	}

	it('timelines are in chronological order and use the documented time format', () => {
		for (const shipment of sampleShipments()) {
			const times = shipment.timeline.map((e) => e.time);
			for (const time of times) expect(time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
			expect([...times].sort()).toEqual(times);
			expect(shipment.trackingNumber.length).toBeGreaterThanOrEqual(6);
			expect(shipment.trackingNumber.length).toBeLessThanOrEqual(32);
		}
	});

	it('returns a fresh copy each call', () => {
		const first = sampleShipments();
		first[0].timeline.length = 0;
		expect(sampleShipments()[0].timeline.length).toBeGreaterThan(0);
	});
});

describe('renderKuaidi100Result', () => {
	const seed = find('kuaidi100', 'yuantong', 'YT7450353838751');

	it('reproduces section 1.7 exactly (resultv2=4, lang=en), key order included', () => {
		const result = renderKuaidi100Result(seed, { resultv2: '4', lang: 'en' });
		expect(result).toEqual(seedReply);
		expect(JSON.stringify(result)).toBe(JSON.stringify(seedReply));
	});

	it('resultv2=0 has no status, code or area fields and a basic state', () => {
		const result = renderKuaidi100Result(seed, { resultv2: '0' });
		const data = result.data as Array<Record<string, unknown>>;
		expect(Object.keys(data[0])).toEqual(['time', 'context', 'ftime']);
		expect(result.state).toBe('3');
		expect(result.ischeck).toBe('1');
	});

	it('resultv2=1 has the basic status name and the area, no statusCode', () => {
		const zh = renderKuaidi100Result(seed, { resultv2: '1' });
		const data = zh.data as Array<Record<string, unknown>>;
		expect(Object.keys(data[0])).toEqual(['time', 'context', 'ftime', 'areaCode', 'areaName', 'status']);
		expect(data[0].status).toBe('签收');
		expect(data[2].areaCode).toBe('CN120113000000');
		const en = renderKuaidi100Result(seed, { resultv2: '1', lang: 'en' });
		expect((en.data as Array<Record<string, unknown>>)[0].status).toBe('Delivered');
	});

	it('resultv2=4 without lang=en gives Chinese advanced names', () => {
		const data = renderKuaidi100Result(seed, { resultv2: '4' }).data as Array<Record<string, unknown>>;
		expect(data[0].status).toBe('投柜或站签收');
		expect(data[0].statusCode).toBe('304');
	});

	it('resultv2=8 adds arrival, total and remaining time', () => {
		const delivered = renderKuaidi100Result(seed, { resultv2: '8' });
		expect(delivered.arrivalTime).toBe('2024-03-09 10');
		expect(delivered.totalTime).toBe('1天17小时');
		expect(delivered.remainTime).toBeNull();
		const moving = renderKuaidi100Result(seed, { resultv2: '8', visible: 3, now: new Date('2024-03-08T00:00:00Z') });
		expect(moving.arrivalTime).toBe('2024-03-10 16');
		expect(moving.remainTime).toBe('2天8小时');
		expect(moving.totalTime).toBe('3天0小时');
		expect(renderKuaidi100Result(seed, { resultv2: '4' })).not.toHaveProperty('arrivalTime');
	});

	it('order=asc puts the oldest first; visible limits the events', () => {
		const result = renderKuaidi100Result(seed, { resultv2: '4', order: 'asc', visible: 3 });
		const data = result.data as Array<Record<string, unknown>>;
		expect(data.map((e) => e.time)).toEqual(['2024-03-07 16:55:46', '2024-03-07 22:51:35', '2024-03-08 03:48:09']);
		expect(result.state).toBe('1002');
		expect(result.ischeck).toBe('0');
	});
});

describe('KeyDelivery rendering', () => {
	const ups = find('keydelivery', 'ups', '1Z999AA10123456784');

	it('area_show=1 items carry codes and descriptions; missing values are the string "null", explicit nulls stay null', () => {
		const items = renderKeyDeliveryItems(ups.timeline, { areaShow: 1 });
		expect(Object.keys(items[0])).toEqual(['context', 'time', 'order_status_code', 'order_status_description', 'area_name', 'location']);
		expect(items[0].order_status_code).toBe('999');
		const nullLaden = items.find((i) => i.time === '2024-08-02 18:00:00');
		expect(nullLaden?.area_name).toBeNull();
		expect(nullLaden?.location).toBe('null');
		expect(items.find((i) => i.time === '2024-08-03 08:00:00')?.area_name).toBe('null');
	});

	it('without area_show items have no status fields and "null" area/location', () => {
		const items = renderKeyDeliveryItems(ups.timeline, {});
		expect(items[0]).toEqual({ context: 'Undocumented carrier status', time: '2024-08-05 09:00:00', area_name: 'null', location: 'null' });
	});

	it('realtime data: numeric shipment code, newest first unless asc', () => {
		const data = renderKeyDeliveryRealtime(ups, { visible: 2, areaShow: true, order: 'asc' });
		expect(data.order_status_code).toBe(0);
		expect((data.items as Array<Record<string, unknown>>).map((i) => i.time)).toEqual(['2024-08-01 10:00:00', '2024-08-01 20:00:00']);
	});
});

describe('push builders', () => {
	it('buildKuaidi100Push: form-encoded param plus sign = MD5(param + salt)', () => {
		const lastResult = { message: 'ok', nu: 'YT1', com: 'yuantong', state: '0', data: [] };
		const push = buildKuaidi100Push({ lastResult, status: 'polling', salt: 'sandbox-salt' });
		expect(push.contentType).toBe('application/x-www-form-urlencoded');
		const form = new URLSearchParams(push.body);
		const param = form.get('param') ?? '';
		expect(JSON.parse(param)).toEqual({ status: 'polling', message: '', autoCheck: '0', comOld: '', comNew: '', lastResult });
		expect(form.get('sign')).toBe(md5Hex(param + 'sandbox-salt'));
		expect(push.sign).toBe(form.get('sign'));
	});

	it('buildKuaidi100Push without salt sends no sign field', () => {
		const push = buildKuaidi100Push({ lastResult: {}, status: 'shutdown', comNew: 'zhongtong' });
		const form = new URLSearchParams(push.body);
		expect(form.has('sign')).toBe(false);
		expect(JSON.parse(form.get('param') ?? '')).toMatchObject({ status: 'shutdown', comNew: 'zhongtong' });
	});

	it('buildKeyDeliveryWebhook renders the documented fields', () => {
		const usps = find('keydelivery', 'usps', 'LY811679807CN');
		const hook = buildKeyDeliveryWebhook({ carrier_id: 'usps', tracking_number: 'LY811679807CN', events: usps.timeline });
		expect(hook.contentType).toBe('application/json');
		const body = JSON.parse(hook.body) as Record<string, unknown>;
		expect(Object.keys(body)).toEqual(['event', 'message', 'carrier_id', 'tracking_number', 'signer', 'order_status_code', 'items']);
		expect(body.order_status_code).toBe(304);
		expect(body.signer).toBe(1);
		expect(body.event).toBe('Delivered');
		expect((body.items as unknown[]).length).toBe(10);
		const expiry = buildKeyDeliveryWebhook({ carrier_id: 'dhl', tracking_number: 'X1', items: [], message: 'No tracking information for 3 days' });
		expect(JSON.parse(expiry.body)).toMatchObject({ message: 'No tracking information for 3 days', items: [], order_status_code: null, signer: 0 });
	});
});
