import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderKeyDeliveryRealtime, type Sandbox } from '../../src/sandbox';
import {
	DHL_DELIVERED,
	DHL_RETURNED,
	PATHS,
	UPS_ODD,
	USPS,
	expectedEventId,
	expectedSignature,
	getTrackingParameters,
	requestsTo,
	runNode,
	startKeyDeliverySandbox,
} from './helpers';

/** The columns of the normalized tracking event, in contract order (tracking-event.md). */
const CONTRACT_COLUMNS = [
	'event_id',
	'provider',
	'carrier',
	'tracking_number',
	'event_time',
	'event_time_local',
	'status',
	'status_code',
	'status_text',
	'description',
	'location',
	'area_code',
	'area_name',
	'longitude',
	'latitude',
	'shipment_status',
	'source',
	'fetched_at',
	'export_run_id',
];

const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** One expected event of DHL 4433221100 (no area names: the service sends "null"). */
function dhlEvent(local: string, utc: string, code: string, milestone: string, statusText: string, description: string, location: string) {
	const parts = { carrier: 'dhl', tracking_number: '4433221100', event_time: utc, status_code: code, description };
	return {
		event_id: expectedEventId(parts),
		provider: 'keydelivery',
		carrier: 'dhl',
		tracking_number: '4433221100',
		event_time: utc,
		event_time_local: local,
		status: milestone,
		status_code: code,
		status_text: statusText,
		description,
		location,
		area_code: '',
		area_name: '',
		longitude: null,
		latitude: null,
		shipment_status: 'delivered',
		source: 'query',
		fetched_at: expect.stringMatching(ISO_UTC_MS),
		export_run_id: '',
	};
}

// Source times carry no zone; the node's default source time zone is Asia/Shanghai (UTC+8).
const DHL_EVENTS_NEWEST_FIRST = [
	dhlEvent('2024-09-02 11:30:00', '2024-09-02T03:30:00.000Z', '3', 'delivered', 'Delivered', 'Delivered', 'BERLIN - GERMANY'),
	dhlEvent('2024-09-02 11:00:00', '2024-09-02T03:00:00.000Z', '303', 'delivered', 'Signed by proxy', 'Delivered - signed for by a neighbour', 'BERLIN - GERMANY'),
	dhlEvent('2024-09-02 08:00:00', '2024-09-02T00:00:00.000Z', '5', 'out_for_delivery', 'Out for delivery', 'With delivery courier', 'BERLIN - GERMANY'),
	dhlEvent('2024-09-01 20:00:00', '2024-09-01T12:00:00.000Z', '1001', 'in_transit', 'Arrived in destination city', 'Arrived at delivery facility in BERLIN - GERMANY', 'BERLIN - GERMANY'),
	dhlEvent('2024-09-01 09:00:00', '2024-09-01T01:00:00.000Z', '1', 'picked_up', 'Accepted', 'Shipment picked up', 'LEIPZIG - GERMANY'),
];

describe('KeyDelivery node: Get Tracking', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startKeyDeliverySandbox();
	});
	afterAll(async () => await sandbox.close());

	it('Simplified: one normalized shipment per item, per the contract (provider keydelivery, milestones, UTC times)', async () => {
		const before = Date.now();
		const result = await runNode(sandbox, { parameters: getTrackingParameters(DHL_DELIVERED) });
		const after = Date.now();
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		const shipment = result.items[0].json;
		expect(shipment).toEqual({
			provider: 'keydelivery',
			carrier: 'dhl',
			tracking_number: '4433221100',
			shipment_status: 'delivered',
			status_code: '3',
			delivered: true,
			terminal: true,
			last_event_time: '2024-09-02T03:30:00.000Z',
			last_event_description: 'Delivered',
			last_location: 'BERLIN - GERMANY',
			event_count: 5,
			source: 'query',
			fetched_at: expect.stringMatching(ISO_UTC_MS),
			events: DHL_EVENTS_NEWEST_FIRST,
		});
		const fetchedAt = Date.parse(shipment.fetched_at as string);
		expect(fetchedAt).toBeGreaterThanOrEqual(before);
		expect(fetchedAt).toBeLessThanOrEqual(after);
		for (const event of shipment.events as Array<Record<string, unknown>>) {
			expect(Object.keys(event)).toEqual(CONTRACT_COLUMNS);
			expect(event.fetched_at).toBe(shipment.fetched_at);
		}

		const [request] = requestsTo(sandbox, PATHS.realtime).slice(-1);
		expect(JSON.parse(request.rawBody)).toEqual({ carrier_id: 'dhl', tracking_number: '4433221100', area_show: 1 });
		expect(request.headers.signature).toBe(expectedSignature(request.rawBody));
	});

	it('Simplified: "null" strings and nulls become empty fields, line breaks become spaces, unknown codes are kept', async () => {
		const result = await runNode(sandbox, { parameters: getTrackingParameters(UPS_ODD) });
		expect(result.error).toBeUndefined();
		const shipment = result.items[0].json as { events: Array<Record<string, unknown>> } & Record<string, unknown>;
		expect(shipment).toMatchObject({
			provider: 'keydelivery',
			carrier: 'ups',
			tracking_number: '1Z999AA10123456784',
			// The newest event has the undocumented code 999.
			status_code: '999',
			shipment_status: 'unknown',
			delivered: false,
			terminal: false,
			event_count: 12,
		});
		const byLocalTime = (local: string) => shipment.events.find((e) => e.event_time_local === local);
		// Sent as order_status_description "null", area_name null, location "null".
		expect(byLocalTime('2024-08-02 18:00:00')).toMatchObject({
			status: 'in_transit',
			status_code: '0',
			status_text: '',
			description: 'In transit',
			area_name: '',
			location: '',
		});
		// Sent with area_name "null".
		expect(byLocalTime('2024-08-03 14:00:00')).toMatchObject({ status: 'exception', status_code: '209', area_name: '', location: 'Chicago, IL' });
		// "Departed from facility\r\nLouisville, KY"
		expect(byLocalTime('2024-08-01 20:00:00')).toMatchObject({ description: 'Departed from facility Louisville, KY' });
		expect(byLocalTime('2024-08-05 09:00:00')).toMatchObject({ status: 'unknown', status_code: '999', status_text: 'Carrier status' });
		expect(shipment.events.map((e) => e.status)).toEqual([
			'unknown', 'delivered', 'out_for_delivery', 'exception', 'exception', 'exception', 'exception',
			'in_transit', 'in_transit', 'in_transit', 'in_transit', 'picked_up',
		]);
		const text = JSON.stringify(result.items);
		expect(text).not.toMatch(/"null"/);
		expect(text).not.toMatch(/\\r|\\n/);

		// The same reply in Raw output does carry the "null" strings: the normalization removed them.
		const raw = await runNode(sandbox, { parameters: getTrackingParameters(UPS_ODD, { output: 'raw' }) });
		expect(JSON.stringify(raw.items)).toMatch(/"null"/);
	});

	it('Simplified: event times are converted from the Source Time Zone option; event_time_local is kept', async () => {
		const result = await runNode(sandbox, {
			parameters: getTrackingParameters(DHL_DELIVERED, { options: { sourceTimeZone: 'America/Los_Angeles' } }),
		});
		expect(result.error).toBeUndefined();
		const events = result.items[0].json.events as Array<Record<string, unknown>>;
		// PDT, UTC-7, in September.
		expect(events[0]).toMatchObject({
			event_time: '2024-09-02T18:30:00.000Z',
			event_time_local: '2024-09-02 11:30:00',
			event_id: expectedEventId({ carrier: 'dhl', tracking_number: '4433221100', event_time: '2024-09-02T18:30:00.000Z', status_code: '3', description: 'Delivered' }),
		});
		expect(result.items[0].json.last_event_time).toBe('2024-09-02T18:30:00.000Z');
	});

	it('Simplified: milestones of a returned shipment, events newest first even with order "asc"', async () => {
		const result = await runNode(sandbox, {
			parameters: getTrackingParameters(DHL_RETURNED, { trackingOptions: { order: 'asc' } }),
		});
		expect(result.error).toBeUndefined();
		const [request] = requestsTo(sandbox, PATHS.realtime).slice(-1);
		expect(JSON.parse(request.rawBody)).toEqual({ carrier_id: 'dhl', tracking_number: '9926933413', area_show: 1, order: 'asc' });
		const shipment = result.items[0].json;
		expect(shipment).toMatchObject({ shipment_status: 'returned', status_code: '4', terminal: true, delivered: false });
		const events = shipment.events as Array<Record<string, unknown>>;
		expect(events.map((e) => [e.status_code, e.status])).toEqual([
			['4', 'returned'],
			['6', 'returning'],
			['14', 'exception'],
			['2', 'exception'],
			['13', 'exception'],
			['8', 'customs'],
			['0', 'in_transit'],
			['1', 'picked_up'],
		]);
		const times = events.map((e) => e.event_time as string);
		expect([...times].sort().reverse()).toEqual(times);
	});

	it('Events: one item per normalized event, each paired with its input item', async () => {
		const result = await runNode(sandbox, {
			parameters: { operation: 'getTracking', carrierId: '={{ $json.carrier }}', trackingNumber: '={{ $json.tn }}', output: 'events' },
			items: [
				{ json: { carrier: 'dhl', tn: '4433221100' } },
				{ json: { carrier: 'usps', tn: 'LY811679807CN' } },
			],
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(5 + 10);
		expect(result.items.slice(0, 5).map((i) => i.json)).toEqual(DHL_EVENTS_NEWEST_FIRST);
		expect(result.items.slice(0, 5).every((i) => JSON.stringify(i.pairedItem) === JSON.stringify({ item: 0 }))).toBe(true);
		const usps = result.items.slice(5);
		expect(usps.map((i) => i.pairedItem)).toEqual(Array.from({ length: 10 }, () => ({ item: 1 })));
		expect(usps.map((i) => i.json.tracking_number)).toEqual(Array.from({ length: 10 }, () => 'LY811679807CN'));
		expect(usps.map((i) => i.json.status)).toEqual([
			'delivered', 'available_for_pickup', 'out_for_delivery', 'in_transit', 'customs', 'customs', 'customs',
			'in_transit', 'picked_up', 'info_received',
		]);
		for (const item of result.items) expect(Object.keys(item.json)).toEqual(CONTRACT_COLUMNS);
	});

	it("Raw: the service's data object, untouched", async () => {
		const result = await runNode(sandbox, { parameters: getTrackingParameters(USPS, { output: 'raw' }) });
		expect(result.error).toBeUndefined();
		const shipment = sandbox.shipments.find((s) => s.provider === 'keydelivery' && s.trackingNumber === USPS.trackingNumber)!;
		expect(result.items).toEqual([
			{
				json: renderKeyDeliveryRealtime(shipment, { visible: shipment.timeline.length, areaShow: true, carrierId: 'usps' }),
				pairedItem: { item: 0 },
			},
		]);
		expect(result.items[0].json.order_status_code).toBe(304);
	});

	it('Area Detail off sends area_show 0; the shipment milestone still comes from its own code', async () => {
		const result = await runNode(sandbox, {
			parameters: getTrackingParameters(DHL_DELIVERED, { trackingOptions: { areaShow: false } }),
		});
		expect(result.error).toBeUndefined();
		const [request] = requestsTo(sandbox, PATHS.realtime).slice(-1);
		expect(JSON.parse(request.rawBody)).toEqual({ carrier_id: 'dhl', tracking_number: '4433221100', area_show: 0 });
		expect(result.items[0].json).toMatchObject({ shipment_status: 'delivered', status_code: '3', event_count: 5 });
		const events = result.items[0].json.events as Array<Record<string, unknown>>;
		expect(events[0]).toMatchObject({ status_code: '', location: '', area_name: '', description: 'Delivered' });
	});
});
