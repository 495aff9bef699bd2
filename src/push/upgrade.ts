import { MILESTONES, type Milestone } from '../normalize/milestones';
import { encodeRecord, markerOf, memoryKey, milestoneBit, seenAt, statusHash, type ShipmentRecord } from './record';

/**
 * The two earlier forms of a trigger's memory, read once and converted entry by entry:
 *   0.1      `shipments`: an object per shipment key {ids, floor, fired, status, seen}
 *   0.2-pre  `memory`: "tracking-memory/1", then a line per shipment,
 *            `<shipment key>\t<fired>|<seen>|<floor>|<ids>|<status>` (base 36, ids 16 hex each)
 * Nothing fires again after the upgrade: fired milestones carry over, and the newest
 * emitted event id becomes the marker (its first 30 bits are in the 16-hex prefix kept).
 */
export const V1_TEXT_TAG = 'tracking-memory/1';

/** The earlier record, whatever form it came in. */
interface EarlierRecord {
	fired: number;
	seenMs: number;
	floorMs: number;
	/** Emitted event id prefixes, oldest first. */
	ids: string[];
	status: string;
}

export interface LegacyShipmentMemory {
	ids?: unknown;
	floor?: unknown;
	fired?: unknown;
	status?: unknown;
	seen?: unknown;
}

/** Compact entries of a "tracking-memory/1" text; anything else yields nothing. */
export function* entriesFromV1Text(text: string): Generator<[string, string]> {
	if (!text.startsWith(`${V1_TEXT_TAG}\n`)) return;
	for (const line of text.slice(V1_TEXT_TAG.length + 1).split('\n')) {
		const tab = line.indexOf('\t');
		if (tab <= 0) continue;
		const earlier = parseV1Record(line.slice(tab + 1));
		const key = safeDecode(line.slice(0, tab));
		if (earlier && key !== undefined) yield [memoryKey(key), encodeRecord(converted(earlier))];
	}
}

/** Compact entries of the 0.1 object form. */
export function* entriesFromShipments(shipments: Record<string, LegacyShipmentMemory>): Generator<[string, string]> {
	for (const [key, value] of Object.entries(shipments)) {
		if (value && typeof value === 'object') yield [memoryKey(key), encodeRecord(converted(fromShipmentObject(value)))];
	}
}

function converted(earlier: EarlierRecord): ShipmentRecord {
	const newest = earlier.ids[earlier.ids.length - 1];
	return {
		fired: earlier.fired,
		seen: seenAt(earlier.seenMs),
		marker: newest ? markerOf(newest) : 0,
		// Only used when the marked event is not in a later push: the old time floor.
		markedAt: earlier.floorMs > 0 ? Math.floor(earlier.floorMs / 60_000) : 0,
		status: statusHash(earlier.status),
	};
}

function parseV1Record(text: string): EarlierRecord | undefined {
	const parts = text.split('|');
	if (parts.length !== 5) return undefined;
	const [fired, seen, floor, ids, status] = parts;
	return {
		fired: parseInt(fired, 36) || 0,
		seenMs: parseInt(seen, 36) || 0,
		floorMs: floor ? parseInt(floor, 36) || 0 : 0,
		ids: ids.match(/.{16}/g) ?? [],
		status: safeDecode(status) ?? '',
	};
}

function fromShipmentObject(legacy: LegacyShipmentMemory): EarlierRecord {
	const ids = Array.isArray(legacy.ids) ? legacy.ids.filter((id): id is string => typeof id === 'string') : [];
	const fired = Array.isArray(legacy.fired) ? legacy.fired : [];
	const floor = typeof legacy.floor === 'string' ? Date.parse(legacy.floor) : NaN;
	return {
		fired: fired.reduce<number>(
			(mask, m) => (MILESTONES.includes(m as Milestone) ? mask | milestoneBit(m as Milestone) : mask),
			0,
		),
		seenMs: typeof legacy.seen === 'number' ? legacy.seen : 0,
		floorMs: Number.isFinite(floor) ? floor : 0,
		ids,
		status: typeof legacy.status === 'string' ? legacy.status : '',
	};
}

function safeDecode(text: string): string | undefined {
	try {
		return text.includes('%') ? decodeURIComponent(text) : text;
	} catch {
		return undefined;
	}
}
