import { eventIdPrefix, shipmentKey } from '../core/keys';
import type { TrackingEvent } from '../normalize/event';
import type { Milestone } from '../normalize/milestones';
import type { NormalizedShipment } from '../normalize/shipment';
import { decodeRecord, EMPTY_RECORD, encodeRecord, IDS_PER_SHIPMENT, milestoneBit, seenOf, type ShipmentRecord } from './record';

/** Encoded ShipmentRecord per shipmentKey. A Map keeps insertion order and is cheap at 20,000 entries. */
export type ShipmentMemoryMap = Map<string, string>;

/** Shipments remembered per trigger unless the node option says otherwise. */
export const DEFAULT_SHIPMENT_LIMIT = 20_000;

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

export function memoryKeyOf(shipment: NormalizedShipment): string {
	return shipmentKey(shipment.provider, shipment.carrier, shipment.tracking_number);
}

/**
 * Decides whether a push starts the workflow and with which events, and records it
 * in `memory` when it does. Synchronous on purpose: the caller decides and records in
 * one step, so no other request of the same process can see the state in between.
 * Repeated full-history pushes find nothing new; a milestone fires once per shipment.
 */
export function selectAndRemember(
	memory: ShipmentMemoryMap,
	shipment: NormalizedShipment,
	pushStatus: string,
	filter: PushFilter,
	limit = DEFAULT_SHIPMENT_LIMIT,
	now = Date.now(),
): PushSelection {
	const key = memoryKeyOf(shipment);
	const stored = filter.onlyNew ? memory.get(key) : undefined;
	const record: ShipmentRecord = stored === undefined ? { ...EMPTY_RECORD, ids: [] } : decodeRecord(stored);
	const known = new Set(record.ids);
	const newEvents = shipment.events.filter((event) => !known.has(eventIdPrefix(event.event_id)) && !belowFloor(event, record.floor));

	let fire: boolean;
	let matchedMilestones: Milestone[] = [];
	if (filter.triggerOn === 'milestones') {
		const reached = new Set<Milestone>([shipment.shipment_status, ...newEvents.map((event) => event.status)]);
		matchedMilestones = filter.milestones.filter((m) => reached.has(m) && (record.fired & milestoneBit(m)) === 0);
		fire = matchedMilestones.length > 0;
	} else {
		fire = newEvents.length > 0 || pushStatus !== record.status || !filter.onlyNew;
	}

	if (filter.onlyNew && fire) {
		memory.delete(key); // re-inserted last: the Map's order stays roughly least recently fired first
		memory.set(key, encodeRecord(recorded(record, newEvents, shipment.events, matchedMilestones, pushStatus, now)));
		evictOldest(memory, limit);
	}
	return { fire, newEvents, matchedMilestones };
}

function belowFloor(event: TrackingEvent, floor: number): boolean {
	if (floor === 0 || event.event_time === '') return false;
	const time = Date.parse(event.event_time);
	return Number.isFinite(time) && time <= floor;
}

function recorded(
	record: ShipmentRecord,
	newEvents: TrackingEvent[],
	allEvents: TrackingEvent[],
	matched: Milestone[],
	pushStatus: string,
	now: number,
): ShipmentRecord {
	// Oldest first (events come newest first), so trimming keeps the newest ids.
	const ids = [...record.ids, ...newEvents.map((event) => eventIdPrefix(event.event_id)).reverse()];
	const kept = ids.slice(-IDS_PER_SHIPMENT);
	return {
		fired: matched.reduce((mask, m) => mask | milestoneBit(m), record.fired),
		seen: Math.max(now, record.seen),
		floor: trimmedFloor(ids.slice(0, ids.length - kept.length), allEvents, record.floor),
		ids: kept,
		status: pushStatus,
	};
}

/** The newest event time among the trimmed ids (or the old floor if that is newer). */
function trimmedFloor(trimmed: string[], events: TrackingEvent[], floor: number): number {
	if (trimmed.length === 0) return floor;
	const dropped = new Set(trimmed);
	let result = floor;
	for (const event of events) {
		const time = Date.parse(event.event_time);
		if (dropped.has(eventIdPrefix(event.event_id)) && Number.isFinite(time) && time > result) result = time;
	}
	return result;
}

/** Forgets the least recently fired shipments beyond `limit`. */
export function evictOldest(memory: ShipmentMemoryMap, limit: number): void {
	const excess = memory.size - limit;
	if (excess <= 0) return;
	if (excess === 1) {
		// The usual case at capacity: one linear scan instead of a sort of 20,000 keys.
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
