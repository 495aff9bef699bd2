import { shipmentKey } from '../core/keys';
import type { TrackingEvent } from '../normalize/event';
import type { Milestone } from '../normalize/milestones';
import type { NormalizedShipment } from '../normalize/shipment';
import { markerOf, memoryKey, milestoneBit, minuteOf, seenAt, seenOf, statusHash, type ShipmentRecord } from './record';

/** Encoded ShipmentRecord per memory key (record.ts). A Map keeps insertion order and is cheap at 100,000 entries. */
export type ShipmentMemoryMap = Map<string, string>;

/** Shipments remembered per trigger unless the node option says otherwise (3 MB of static data). */
export const DEFAULT_SHIPMENT_LIMIT = 100_000;

export interface PushFilter {
	/** `all`: any new event or status change; `milestones`: only the chosen milestones. */
	triggerOn: 'all' | 'milestones';
	milestones: Milestone[];
	/** Remember what was emitted and emit only what is new. */
	onlyNew: boolean;
}

export interface PushSelection {
	fire: boolean;
	/** The events to emit: the new ones (all of them when onlyNew is off). */
	newEvents: TrackingEvent[];
	/** Chosen milestones this push reached (milestone filter only). */
	matchedMilestones: Milestone[];
}

/** What firing a push adds to a shipment's record, applied to whichever record is current then. */
export interface RecordChange {
	fired: number;
	seen: number;
	/** The newest event emitted now; absent when no event was new. */
	mark?: { marker: number; markedAt: number };
	status: number;
}

export function memoryKeyOf(shipment: NormalizedShipment): string {
	return memoryKey(shipmentKey(shipment.provider, shipment.carrier, shipment.tracking_number));
}

/**
 * Decides whether a push starts the workflow and with which events, against what is
 * remembered of its shipment (`stored`), and says what to record if it fires.
 * Repeated full-history pushes find nothing new; a milestone fires once per shipment.
 */
export function selectPush(
	stored: ShipmentRecord | undefined,
	shipment: NormalizedShipment,
	pushStatus: string,
	filter: PushFilter,
	nowMs = Date.now(),
): { selection: PushSelection; change?: RecordChange } {
	const record = filter.onlyNew ? stored : undefined;
	const newEvents = record ? eventsAfterMarker(shipment.events, record) : shipment.events;
	let fire: boolean;
	let matchedMilestones: Milestone[] = [];
	if (filter.triggerOn === 'milestones') {
		const reached = new Set<Milestone>([shipment.shipment_status, ...newEvents.map((event) => event.status)]);
		matchedMilestones = filter.milestones.filter((m) => reached.has(m) && ((record?.fired ?? 0) & milestoneBit(m)) === 0);
		fire = matchedMilestones.length > 0;
	} else {
		fire = newEvents.length > 0 || statusHash(pushStatus) !== (record?.status ?? 0) || !filter.onlyNew;
	}
	const selection = { fire, newEvents, matchedMilestones };
	if (!fire || !filter.onlyNew) return { selection };
	const newest = newEvents[0];
	return {
		selection,
		change: {
			fired: matchedMilestones.reduce((mask, m) => mask | milestoneBit(m), 0),
			seen: seenAt(nowMs),
			mark: newest ? { marker: markerOf(newest.event_id), markedAt: Math.max(0, minuteOf(newest.event_time) || 0) } : undefined,
			status: statusHash(pushStatus),
		},
	};
}

export function applyChange(base: ShipmentRecord, change: RecordChange): ShipmentRecord {
	return {
		fired: base.fired | change.fired,
		seen: Math.max(base.seen, change.seen),
		marker: change.mark ? change.mark.marker : base.marker,
		markedAt: change.mark ? change.mark.markedAt : base.markedAt,
		status: change.status,
	};
}

/**
 * Pushes carry the history newest first: the events before the marked one are new.
 * When the marked event is gone (the carrier rewrote the history), the events after
 * its time are new, or all of them when its time is unknown.
 */
function eventsAfterMarker(events: TrackingEvent[], record: ShipmentRecord): TrackingEvent[] {
	if (record.marker === 0 && record.markedAt === 0) return events;
	const index = events.findIndex((event) => markerOf(event.event_id) === record.marker);
	if (index !== -1) return events.slice(0, index);
	if (record.markedAt === 0) return events;
	return events.filter((event) => !(minuteOf(event.event_time) <= record.markedAt));
}

/** Forgets the least recently fired shipments beyond `limit`. */
export function evictOldest(memory: ShipmentMemoryMap, limit: number): void {
	const excess = memory.size - limit;
	if (excess <= 0) return;
	if (excess === 1) {
		// The usual case at capacity: one linear scan instead of a sort of 100,000 keys.
		let oldestKey: string | undefined;
		let oldest = Infinity;
		for (const [key, text] of memory) {
			const seen = seenOf(text);
			if (seen < oldest) [oldest, oldestKey] = [seen, key];
		}
		if (oldestKey !== undefined) memory.delete(oldestKey);
		return;
	}
	const bySeen = [...memory].map(([key, text]) => [key, seenOf(text)] as const).sort((a, b) => a[1] - b[1]);
	for (const [key] of bySeen.slice(0, excess)) memory.delete(key);
}
