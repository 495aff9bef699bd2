import { createHash } from 'node:crypto';
import { MILESTONES, type Milestone } from '../normalize/milestones';

/**
 * What a trigger remembers about one shipment: one fixed-width entry of 30 base64url
 * characters, so 100,000 shipments are 3 MB of static data and every entry costs the
 * same whatever the shipment's history.
 *
 *   key        11  SHA-256 of the shipment key, 66 bits (see KEY_LENGTH)
 *   fired       3  milestones that fired, a bitmask over MILESTONES (their order is append-only)
 *   seen        4  minute it last fired, counted from 2020-01-01 UTC: the forgetting order
 *   marker      5  30 bits of the newest emitted event's event_id (a SHA-256 in hex)
 *   markedAt    5  minute (since 1970) of that event; 0 when unknown
 *   status      2  12-bit hash of the last push status; 0 for none
 *
 * The "last-event marker" replaces a list of emitted event ids: pushes carry the whole
 * history newest first, so the events before the marker are the new ones.
 */
export interface ShipmentRecord {
	fired: number;
	seen: number;
	marker: number;
	markedAt: number;
	status: number;
}

export const KEY_LENGTH = 11;
/** Characters of one entry after its key. */
export const RECORD_LENGTH = 19;
export const ENTRY_LENGTH = KEY_LENGTH + RECORD_LENGTH;

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE_OF = new Map([...DIGITS].map((digit, value) => [digit, value]));
/** The widths of fired, seen, marker, markedAt, status: they add up to RECORD_LENGTH. */
const WIDTHS = [3, 4, 5, 5, 2] as const;
const SEEN_EPOCH_MINUTE = Date.UTC(2020, 0, 1) / 60_000;

export const EMPTY_RECORD: Readonly<ShipmentRecord> = Object.freeze({ fired: 0, seen: 0, marker: 0, markedAt: 0, status: 0 });

/** The memory key of a shipment key: 66 bits, so 100,000 shipments share one by a chance of 7e-11. */
export function memoryKey(shipmentKey: string): string {
	return createHash('sha256').update(shipmentKey).digest('base64url').slice(0, KEY_LENGTH);
}

/** 30 bits of an event_id (hex): enough to find the marked event among one shipment's events. */
export function markerOf(eventId: string): number {
	const value = parseInt(eventId.slice(0, 8), 16);
	return Number.isFinite(value) ? value >>> 2 : 0;
}

/** Minutes since 1970 of an ISO event time; NaN when it has none. */
export function minuteOf(eventTime: string): number {
	return eventTime === '' ? NaN : Math.floor(Date.parse(eventTime) / 60_000);
}

/** The `seen` value of a wall-clock time. */
export function seenAt(nowMs: number): number {
	return Math.max(0, Math.floor(nowMs / 60_000) - SEEN_EPOCH_MINUTE);
}

/** FNV-1a folded to 12 bits; 0 is kept for "no status". */
export function statusHash(status: string): number {
	if (status === '') return 0;
	let hash = 0x811c9dc5;
	for (let i = 0; i < status.length; i++) hash = Math.imul(hash ^ status.charCodeAt(i), 0x01000193);
	const folded = ((hash >>> 12) ^ hash) & 0xfff;
	return folded === 0 ? 1 : folded;
}

export function milestoneBit(milestone: Milestone): number {
	return 1 << MILESTONES.indexOf(milestone);
}

export function encodeRecord(record: ShipmentRecord): string {
	const values = [record.fired, record.seen, record.marker, record.markedAt, record.status];
	return values.map((value, i) => toDigits(value, WIDTHS[i])).join('');
}

/** A damaged entry decodes as empty rather than failing every later push. */
export function decodeRecord(text: string): ShipmentRecord {
	if (text.length !== RECORD_LENGTH) return { ...EMPTY_RECORD };
	const values: number[] = [];
	let offset = 0;
	for (const width of WIDTHS) {
		values.push(fromDigits(text, offset, width));
		offset += width;
	}
	if (values.some((value) => value < 0)) return { ...EMPTY_RECORD };
	const [fired, seen, marker, markedAt, status] = values;
	return { fired, seen, marker, markedAt, status };
}

/** Only the forgetting order, without decoding the rest. */
export function seenOf(text: string): number {
	return Math.max(0, fromDigits(text, WIDTHS[0], WIDTHS[1]));
}

/**
 * Monotonic union of two memories of one shipment: a milestone that either side fired
 * stays fired, and the newer marker wins, so merging in any order fires nothing again.
 */
export function mergeRecords(a: ShipmentRecord, b: ShipmentRecord): ShipmentRecord {
	const newer = b.seen > a.seen ? b : a;
	const laterMark = b.markedAt > a.markedAt || (b.markedAt === a.markedAt && newer === b) ? b : a;
	return {
		fired: a.fired | b.fired,
		seen: Math.max(a.seen, b.seen),
		marker: laterMark.marker,
		markedAt: laterMark.markedAt,
		status: newer.status,
	};
}

function toDigits(value: number, width: number): string {
	let text = '';
	let rest = Math.max(0, Math.floor(value));
	for (let i = 0; i < width; i++) {
		text = DIGITS[rest % 64] + text;
		rest = Math.floor(rest / 64);
	}
	return text;
}

/** -1 for a character outside the alphabet. */
function fromDigits(text: string, offset: number, width: number): number {
	let value = 0;
	for (let i = offset; i < offset + width; i++) {
		const digit = VALUE_OF.get(text[i]);
		if (digit === undefined) return -1;
		value = value * 64 + digit;
	}
	return value;
}
