import { createHash } from 'node:crypto';
import type { Provider } from '../core/errors';
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
	const trimmed = s.trim();
	if (trimmed === '' || trimmed.toLowerCase() === 'null') return '';
	return s;
}

/** Line breaks inside event text become single spaces (CSV rows stay one line). */
export function flattenLines(value: string): string {
	return value.replace(/\r\n|\r|\n/g, ' ');
}

/** SHA-256 of provider|carrier|tracking_number|event_time|status_code|description. */
export function eventId(
	event: Pick<TrackingEvent, 'provider' | 'carrier' | 'tracking_number' | 'event_time' | 'status_code' | 'description'>,
): string {
	const key = [
		event.provider,
		event.carrier,
		event.tracking_number,
		event.event_time,
		event.status_code,
		event.description,
	].join('|');
	return createHash('sha256').update(key, 'utf8').digest('hex');
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
