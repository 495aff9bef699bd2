import { hash } from 'node:crypto';
import type { Provider } from '../core/tracking-api-error';
import type { Milestone } from './milestones';

export type { Provider };
export type EventSource = 'query' | 'push';

/** The normalized tracking event, contract v1 (docs/tracking-event.md). */
export interface TrackingEvent {
	event_id: string;
	provider: Provider;
	carrier: string;
	tracking_number: string;
	event_time: string;
	event_time_local: string;
	status: Milestone;
	status_code: string;
	status_text: string;
	description: string;
	location: string;
	area_code: string;
	area_name: string;
	longitude: number | null;
	latitude: number | null;
	shipment_status: Milestone;
	source: EventSource;
	fetched_at: string;
	export_run_id: string;
}

/** The CSV columns, in contract order. Append only. */
export const TRACKING_EVENT_COLUMNS = [
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
] as const satisfies ReadonlyArray<keyof TrackingEvent>;

/** Missing values (null, undefined, the string "null", blank) become ''. */
export function text(value: unknown): string {
	if (value === null || value === undefined) return '';
	const s = typeof value === 'string' ? value : String(value);
	// Most fields start and end with a visible character: no trim to allocate.
	if (s.length > 4 && !isTrimmed(s.charCodeAt(0)) && !isTrimmed(s.charCodeAt(s.length - 1))) return s;
	const trimmed = s.trim();
	if (trimmed === '' || trimmed.toLowerCase() === 'null') return '';
	return s;
}

/** The characters String.prototype.trim removes (WhiteSpace and LineTerminator). */
function isTrimmed(code: number): boolean {
	return (
		code <= 32 ||
		code === 0xa0 ||
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200a) ||
		code === 0x2028 ||
		code === 0x2029 ||
		code === 0x202f ||
		code === 0x205f ||
		code === 0x3000 ||
		code === 0xfeff
	);
}

/** Line breaks inside event text become single spaces (CSV rows stay one line). */
export function flattenLines(value: string): string {
	return value.replace(/\r\n|\r|\n/g, ' ');
}

/** SHA-256 of provider|carrier|tracking_number|event_time|status_code|description. */
export function eventId(
	event: Pick<TrackingEvent, 'provider' | 'carrier' | 'tracking_number' | 'event_time' | 'status_code' | 'description'>,
): string {
	const key = `${event.provider}|${event.carrier}|${event.tracking_number}|${event.event_time}|${event.status_code}|${event.description}`;
	// One-shot hash: a quarter of the cost of createHash().update().digest() per event.
	return hash('sha256', key, 'hex');
}

/** "lng,lat" into numbers; null for anything that is not two finite numbers. */
export function parseAreaCenter(value: unknown): { longitude: number | null; latitude: number | null } {
	const raw = text(value);
	const parts = raw.split(',').map((part) => part.trim());
	if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') {
		const longitude = Number(parts[0]);
		const latitude = Number(parts[1]);
		if (Number.isFinite(longitude) && Number.isFinite(latitude)) return { longitude, latitude };
	}
	return { longitude: null, latitude: null };
}
