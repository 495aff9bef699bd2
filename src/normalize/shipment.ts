import { isRecord } from '../core/call';
import { eventId, flattenLines, parseAreaCenter, text, type EventSource, type Provider, type TrackingEvent } from './event';
import { isTerminal, milestoneOf, milestoneOfCode, type Milestone } from './milestones';
import { DEFAULT_SOURCE_TIME_ZONE, localTimeToUtcIso } from './time';

/** A shipment as a whole, with its normalized events (newest first). */
export interface NormalizedShipment {
	provider: Provider;
	carrier: string;
	tracking_number: string;
	shipment_status: Milestone;
	/** The service's shipment-level status code (`state` / `order_status_code`). */
	status_code: string;
	delivered: boolean;
	terminal: boolean;
	last_event_time: string;
	last_event_description: string;
	last_location: string;
	event_count: number;
	source: EventSource;
	fetched_at: string;
	events: TrackingEvent[];
}

export interface NormalizeOptions {
	source: EventSource;
	/** When this project received the data; defaults to now. */
	fetchedAt?: Date;
	/** IANA zone or "+08:00" of the service's times; default Asia/Shanghai. */
	sourceTimeZone?: string;
	/** Set by the exporter only. */
	exportRunId?: string;
	/** Used when the reply itself lacks them (e.g. KeyDelivery pushes always carry them, queries may not). */
	carrier?: string;
	trackingNumber?: string;
}

/** Fields of one raw event, read from whichever service's names. */
interface RawEventFields {
	time: string;
	statusCode: string;
	statusText: string;
	description: string;
	location: string;
	areaCode: string;
	areaName: string;
	areaCenter: unknown;
}

/** What every event of one shipment shares. */
interface EventContext {
	provider: Provider;
	carrier: string;
	trackingNumber: string;
	shipmentStatus: Milestone;
	source: NormalizeOptions['source'];
	fetchedAt: string;
	exportRunId: string;
}

function trackingEvent(raw: RawEventFields, utc: string, context: EventContext): TrackingEvent {
	const { provider, carrier, trackingNumber } = context;
	const description = flattenLines(raw.description);
	return {
		event_id: eventId({ provider, carrier, tracking_number: trackingNumber, event_time: utc, status_code: raw.statusCode, description }),
		provider,
		carrier,
		tracking_number: trackingNumber,
		event_time: utc,
		event_time_local: raw.time,
		status: milestoneOf(raw.statusCode, raw.statusText),
		status_code: raw.statusCode,
		status_text: raw.statusText,
		description,
		location: raw.location,
		area_code: raw.areaCode,
		area_name: raw.areaName,
		...parseAreaCenter(raw.areaCenter),
		shipment_status: context.shipmentStatus,
		source: context.source,
		fetched_at: context.fetchedAt,
		export_run_id: context.exportRunId,
	};
}

function buildShipment(
	provider: Provider,
	carrier: string,
	trackingNumber: string,
	shipmentCode: string,
	rawEvents: RawEventFields[],
	options: NormalizeOptions,
): NormalizedShipment {
	const fetchedAt = (options.fetchedAt ?? new Date()).toISOString();
	const zone = options.sourceTimeZone ?? DEFAULT_SOURCE_TIME_ZONE;
	// Newest first whatever order the service used (order=asc is a user option); the
	// sort is stable, so events with equal times keep the service's order.
	const timed = rawEvents.map((raw) => ({ raw, utc: localTimeToUtcIso(raw.time, zone) }));
	timed.sort((a, b) => (a.utc < b.utc ? 1 : a.utc > b.utc ? -1 : 0));
	const shipmentStatus: Milestone =
		timed.length === 0 ? 'pending' : milestoneOfShipment(shipmentCode, timed.map(({ raw }) => raw));
	const context = { provider, carrier, trackingNumber, shipmentStatus, source: options.source, fetchedAt, exportRunId: options.exportRunId ?? '' };
	const events = timed.map(({ raw, utc }) => trackingEvent(raw, utc, context));
	const last = events[0];
	return {
		provider,
		carrier,
		tracking_number: trackingNumber,
		shipment_status: shipmentStatus,
		status_code: shipmentCode,
		delivered: shipmentStatus === 'delivered',
		terminal: isTerminal(shipmentStatus),
		last_event_time: last?.event_time ?? '',
		last_event_description: last?.description ?? '',
		last_location: last?.location ?? '',
		event_count: events.length,
		source: options.source,
		fetched_at: fetchedAt,
		events,
	};
}

/**
 * The shipment's milestone from its own code; without one (resultv2=0), from the
 * newest event that has a known status.
 */
function milestoneOfShipment(shipmentCode: string, rawEvents: RawEventFields[]): Milestone {
	if (shipmentCode) return milestoneOfCode(shipmentCode);
	for (const raw of rawEvents) {
		const milestone = milestoneOf(raw.statusCode, raw.statusText);
		if (milestone !== 'unknown') return milestone;
	}
	return 'unknown';
}

function records(value: unknown): Array<Record<string, unknown>> {
	return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A Kuaidi100 query result or push `lastResult`, any resultv2. */
export function normalizeKuaidi100Result(result: unknown, options: NormalizeOptions): NormalizedShipment {
	const body = isRecord(result) ? result : {};
	const rawEvents = records(body.data).map(
		(event): RawEventFields => ({
			time: text(event.ftime) || text(event.time),
			statusCode: text(event.statusCode),
			statusText: text(event.status),
			description: text(event.context),
			location: text(event.location),
			areaCode: text(event.areaCode),
			areaName: text(event.areaName),
			areaCenter: event.areaCenter,
		}),
	);
	return buildShipment(
		'kuaidi100',
		(text(body.com) || options.carrier || '').toLowerCase(),
		text(body.nu) || options.trackingNumber || '',
		text(body.state),
		rawEvents,
		options,
	);
}

/** A KeyDelivery realtime `data` object or webhook body (same item fields). */
export function normalizeKeyDeliveryResult(result: unknown, options: NormalizeOptions): NormalizedShipment {
	const body = isRecord(result) ? result : {};
	const rawEvents = records(body.items).map(
		(item): RawEventFields => ({
			time: text(item.time),
			statusCode: text(item.order_status_code),
			statusText: text(item.order_status_description),
			description: text(item.context),
			location: text(item.location),
			areaCode: '',
			areaName: text(item.area_name),
			areaCenter: undefined,
		}),
	);
	return buildShipment(
		'keydelivery',
		(text(body.carrier_id) || options.carrier || '').toLowerCase(),
		text(body.tracking_number) || options.trackingNumber || '',
		text(body.order_status_code),
		rawEvents,
		options,
	);
}
