import { EVENT_ID_PREFIX_LENGTH } from '../core/keys';
import { MILESTONES, type Milestone } from '../normalize/milestones';

/**
 * What a trigger remembers about one shipment, and its compact text form.
 *
 * Static data is read and rewritten in full by n8n on every push, so each shipment
 * is ONE short string (about 40 bytes plus 16 per remembered event id), not an
 * object: 20,000 shipments cost a few MB of JSON instead of tens of MB of objects,
 * and n8n's ObservableObject wraps one object (the map) instead of thousands.
 *
 *   "<fired>|<seen>|<floor>|<ids>|<status>"
 *   fired   bitmask over MILESTONES (their order is append-only), base 36
 *   seen    last time this shipment fired (ms since epoch), base 36: eviction order
 *   floor   ms (base 36) of the newest event whose id was trimmed, or empty
 *   ids     emitted event id prefixes (keys.ts eventIdPrefix), 16 hex each, joined, oldest first
 *   status  last push status, URI-encoded (it is the only free-text part)
 */
export interface ShipmentRecord {
	fired: number;
	seen: number;
	/** Events at or before this time (ms) count as emitted; 0 = none trimmed. */
	floor: number;
	ids: string[];
	status: string;
}

/** Emitted event ids kept per shipment; older ones are covered by `floor`. */
export const IDS_PER_SHIPMENT = 40;

export const EMPTY_RECORD: Readonly<ShipmentRecord> = Object.freeze({ fired: 0, seen: 0, floor: 0, ids: [], status: '' });

export function milestoneBit(milestone: Milestone): number {
	return 1 << MILESTONES.indexOf(milestone);
}

export function encodeRecord(record: ShipmentRecord): string {
	return [
		record.fired.toString(36),
		record.seen.toString(36),
		record.floor > 0 ? record.floor.toString(36) : '',
		record.ids.join(''),
		encodeURIComponent(record.status),
	].join('|');
}

/** A damaged entry decodes as empty rather than failing every later push. */
export function decodeRecord(text: string): ShipmentRecord {
	const parts = text.split('|');
	if (parts.length !== 5) return { ...EMPTY_RECORD, ids: [] };
	const [fired, seen, floor, ids, status] = parts;
	const idList: string[] = [];
	for (let i = 0; i + EVENT_ID_PREFIX_LENGTH <= ids.length; i += EVENT_ID_PREFIX_LENGTH) {
		idList.push(ids.slice(i, i + EVENT_ID_PREFIX_LENGTH));
	}
	return {
		fired: parseInt(fired, 36) || 0,
		seen: parseInt(seen, 36) || 0,
		floor: floor ? parseInt(floor, 36) || 0 : 0,
		ids: idList,
		status: safeDecode(status),
	};
}

/** Only the eviction order, without decoding the rest. */
export function seenOf(text: string): number {
	const start = text.indexOf('|') + 1;
	return parseInt(text.slice(start, text.indexOf('|', start)), 36) || 0;
}

/**
 * Monotonic union of two memories of one shipment: a milestone or event that either
 * side recorded stays recorded, so merging in any order never makes anything fire again.
 * (Only trimming to IDS_PER_SHIPMENT drops ids; the floor then covers the older ones.)
 */
export function mergeRecords(a: ShipmentRecord, b: ShipmentRecord): ShipmentRecord {
	const known = new Set(a.ids);
	const ids = [...a.ids, ...b.ids.filter((id) => !known.has(id))];
	return {
		fired: a.fired | b.fired,
		seen: Math.max(a.seen, b.seen),
		floor: Math.max(a.floor, b.floor),
		ids: ids.slice(-IDS_PER_SHIPMENT),
		status: b.seen > a.seen ? b.status : a.status,
	};
}

/** The old (0.1) static data form: one object per shipment. */
export interface LegacyShipmentMemory {
	ids?: unknown;
	floor?: unknown;
	fired?: unknown;
	status?: unknown;
	seen?: unknown;
}

export function fromLegacy(legacy: LegacyShipmentMemory): ShipmentRecord {
	const ids = Array.isArray(legacy.ids) ? legacy.ids.filter((id): id is string => typeof id === 'string') : [];
	const fired = Array.isArray(legacy.fired) ? legacy.fired : [];
	const floor = typeof legacy.floor === 'string' ? Date.parse(legacy.floor) : NaN;
	return {
		fired: fired.reduce<number>(
			(mask, m) => (MILESTONES.includes(m as Milestone) ? mask | milestoneBit(m as Milestone) : mask),
			0,
		),
		seen: typeof legacy.seen === 'number' ? legacy.seen : 0,
		floor: Number.isFinite(floor) ? floor : 0,
		ids: ids.map((id) => id.slice(0, EVENT_ID_PREFIX_LENGTH)).slice(-IDS_PER_SHIPMENT),
		status: typeof legacy.status === 'string' ? legacy.status : '',
	};
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return '';
	}
}
