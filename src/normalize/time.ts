/**
 * Service times carry no zone ("2024-03-09 10:47:53", China time for Kuaidi100).
 * `timeZone` is an IANA name (default Asia/Shanghai) or a fixed offset like "+08:00".
 */
export const DEFAULT_SOURCE_TIME_ZONE = 'Asia/Shanghai';

const LOCAL_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Zone offsets change at most on quarter hours: one Intl lookup per 15-minute slot. */
const SLOT_MS = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

function offsetMinutesAt(utcMillis: number, timeZone: string): number {
	const fixed = OFFSET.exec(timeZone);
	if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
	let slots = offsetCache.get(timeZone);
	if (!slots) offsetCache.set(timeZone, (slots = new Map()));
	const slot = Math.floor(utcMillis / SLOT_MS);
	const cached = slots.get(slot);
	if (cached !== undefined) return cached;
	const atStart = intlOffsetMinutes(slot * SLOT_MS, timeZone);
	// A change inside the slot (never seen in practice): no caching, exact answer.
	if (intlOffsetMinutes(slot * SLOT_MS + SLOT_MS - 1000, timeZone) !== atStart) return intlOffsetMinutes(utcMillis, timeZone);
	if (slots.size > 100_000) slots.clear();
	slots.set(slot, atStart);
	return atStart;
}

function intlOffsetMinutes(utcMillis: number, timeZone: string): number {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, formatter);
	}
	const parts: Record<string, number> = {};
	for (const part of formatter.formatToParts(new Date(utcMillis))) parts[part.type] = Number(part.value);
	const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
	return Math.round((asUtc - Math.floor(utcMillis / 1000) * 1000) / 60_000);
}

/** Throws a RangeError for an unknown zone name, so a bad setting fails loudly at start. */
export function assertTimeZone(timeZone: string): void {
	if (OFFSET.test(timeZone)) return;
	new Intl.DateTimeFormat('en-US', { timeZone });
}

/**
 * Converts a service's local time string to UTC ISO-8601 with milliseconds.
 * Returns '' for empty or unparsable input (the original is kept elsewhere).
 */
export function localTimeToUtcIso(local: string, timeZone: string = DEFAULT_SOURCE_TIME_ZONE): string {
	// Every query and push repeats the whole history: the same strings come back again and again.
	let zone = conversions.get(timeZone);
	if (!zone) conversions.set(timeZone, (zone = new Map()));
	const cached = zone.get(local);
	if (cached !== undefined) return cached;
	const iso = convert(local, timeZone);
	if (zone.size >= 50_000) zone.clear();
	zone.set(local, iso);
	return iso;
}

/** Per source time zone: local time text -> UTC ISO. */
const conversions = new Map<string, Map<string, string>>();

function convert(local: string, timeZone: string): string {
	const text = local.trim();
	if (!text) return '';
	const match = LOCAL_TIME.exec(text);
	if (!match) {
		// Some services send full ISO-8601 with a zone: trust its zone.
		if (HAS_ZONE.test(text)) {
			const parsed = Date.parse(text);
			return Number.isNaN(parsed) ? '' : new Date(parsed).toISOString();
		}
		return '';
	}
	const [, y, mo, d, h, mi, s, ms] = match;
	const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, s ? +s : 0, ms ? +ms.padEnd(3, '0') : 0);
	if (Number.isNaN(wall)) return '';
	// Date.UTC rolls impossible values over (Feb 30 → Mar 1): reject them instead.
	const check = new Date(wall);
	if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || check.getUTCHours() !== +h || check.getUTCMinutes() !== +mi) {
		return '';
	}
	// Two passes settle the offset even next to a daylight-saving change.
	let utc = wall - offsetMinutesAt(wall, timeZone) * 60_000;
	utc = wall - offsetMinutesAt(utc, timeZone) * 60_000;
	const date = new Date(utc);
	return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}
