import type { TrackingEvent } from '../normalize/event';
import type { Milestone } from '../normalize/milestones';
import type { NormalizedShipment } from '../normalize/shipment';

/**
 * What a trigger remembers per shipment between pushes. Plain JSON so it can live
 * in n8n's workflow static data (persisted in the database, hence shared by
 * webhook processes in queue mode).
 */
export interface ShipmentMemory {
	/** Emitted event_ids, shortened to their first 16 hex digits (64 bits), newest last. */
	ids: string[];
	/**
	 * Set once ids had to be trimmed: events at or before this event_time count as
	 * emitted, so a history longer than the id limit does not come back as "new".
	 */
	floor?: string;
	/** Milestones that already fired the milestone filter. */
	fired: string[];
	/** The last push status seen (to notice e.g. "abort" with no new event). */
	status: string;
	/** When this shipment was last seen (ms), for eviction. */
	seen: number;
}

export interface PushMemoryStore {
	shipments?: Record<string, ShipmentMemory>;
}

export const MEMORY_LIMITS = { shipments: 2000, idsPerShipment: 300 };

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

/** 64 bits of the SHA-256 id tell events of one shipment apart; static data stays small. */
function shortId(eventId: string): string {
	return eventId.slice(0, 16);
}

function memoryKey(shipment: NormalizedShipment): string {
	return `${shipment.provider}:${shipment.carrier}:${shipment.tracking_number}`;
}

/**
 * Decides whether a push starts the workflow and with which events, and records
 * it in `store` when it does. Repeated full-history pushes find nothing new, and
 * a milestone fires once per shipment however often it is pushed.
 */
export function selectAndRemember(
	store: PushMemoryStore,
	shipment: NormalizedShipment,
	pushStatus: string,
	filter: PushFilter,
	now = Date.now(),
): PushSelection {
	const shipments = (store.shipments ??= {});
	const key = memoryKey(shipment);
	const memory: ShipmentMemory = filter.onlyNew
		? (shipments[key] ?? { ids: [], fired: [], status: '', seen: now })
		: { ids: [], fired: [], status: '', seen: now };
	const known = new Set(memory.ids);
	const floor = memory.floor ?? '';
	const newEvents = shipment.events.filter(
		(event) => !known.has(shortId(event.event_id)) && !(floor !== '' && event.event_time !== '' && event.event_time <= floor),
	);

	let fire: boolean;
	let matchedMilestones: Milestone[] = [];
	if (filter.triggerOn === 'milestones') {
		const reached = new Set<Milestone>([shipment.shipment_status, ...newEvents.map((event) => event.status)]);
		const fired = new Set(memory.fired);
		matchedMilestones = filter.milestones.filter((m) => reached.has(m) && !fired.has(m));
		fire = matchedMilestones.length > 0;
	} else {
		fire = newEvents.length > 0 || pushStatus !== memory.status || !filter.onlyNew;
	}

	if (filter.onlyNew && fire) {
		// Oldest first, so trimming keeps the newest ids.
		const ids = [...memory.ids, ...newEvents.map((event) => shortId(event.event_id)).reverse()];
		const kept = ids.slice(-MEMORY_LIMITS.idsPerShipment);
		const next: ShipmentMemory = {
			ids: kept,
			fired: [...memory.fired, ...matchedMilestones],
			status: pushStatus,
			seen: now,
		};
		const newFloor = trimmedFloor(ids.slice(0, ids.length - kept.length), shipment.events, floor);
		if (newFloor !== '') next.floor = newFloor;
		shipments[key] = next;
		evictOldest(shipments);
	}
	return { fire, newEvents, matchedMilestones };
}

/** The newest event_time among the trimmed ids (or the old floor if that is newer). */
function trimmedFloor(trimmed: string[], events: TrackingEvent[], floor: string): string {
	if (trimmed.length === 0) return floor;
	const dropped = new Set(trimmed);
	let result = floor;
	for (const event of events) {
		if (dropped.has(shortId(event.event_id)) && event.event_time > result) result = event.event_time;
	}
	return result;
}

function evictOldest(shipments: Record<string, ShipmentMemory>): void {
	const keys = Object.keys(shipments);
	if (keys.length <= MEMORY_LIMITS.shipments) return;
	keys.sort((a, b) => shipments[a].seen - shipments[b].seen);
	for (const key of keys.slice(0, keys.length - MEMORY_LIMITS.shipments)) delete shipments[key];
}
