import { stringify, type Options } from 'csv-stringify/sync';
import { TRACKING_EVENT_COLUMNS, type TrackingEvent } from '../../normalize/event';

/**
 * CSV as the contract says (docs/tracking-event.md): RFC 4180, UTF-8
 * without BOM, one header row, LF line ends, quoting only where needed (a field
 * holding a comma, a double quote, CR or LF), empty field for missing values.
 */
export const CSV_OPTIONS: Options = {
	bom: false,
	delimiter: ',',
	quote: '"',
	escape: '"',
	record_delimiter: 'unix',
	quoted: false,
	quoted_empty: false,
	// csv-stringify quotes fields holding the delimiter, a quote or LF; a lone CR is
	// matched explicitly so that no reader takes it for a line end.
	quoted_match: /\r/,
	// Left to csv-stringify's defaults, as the contract needs: null and undefined
	// become an empty field, numbers print as JavaScript prints them (117.2).
};

export type CsvRow = unknown[];

/** The header row, LF-terminated. */
export function csvHeader(): string {
	return stringify([TRACKING_EVENT_COLUMNS as unknown as string[]], CSV_OPTIONS);
}

/** One event as a row of field values in contract column order. */
export function eventRow(event: TrackingEvent): CsvRow {
	return [
		event.event_id,
		event.provider,
		event.carrier,
		event.tracking_number,
		event.event_time,
		event.event_time_local,
		event.status,
		event.status_code,
		event.status_text,
		event.description,
		event.location,
		event.area_code,
		event.area_name,
		event.longitude,
		event.latitude,
		event.shipment_status,
		event.source,
		event.fetched_at,
		event.export_run_id,
	];
}

// The explicit row above must follow the contract's column list exactly.
const probe = eventRow(
	Object.fromEntries(TRACKING_EVENT_COLUMNS.map((column) => [column, column])) as unknown as TrackingEvent,
);
if (probe.length !== TRACKING_EVENT_COLUMNS.length || probe.some((value, i) => value !== TRACKING_EVENT_COLUMNS[i])) {
	throw new Error('eventRow() is out of step with TRACKING_EVENT_COLUMNS');
}

/** Rows as CSV text (no header), by csv-stringify with the contract's options. */
export function encodeRows(rows: readonly CsvRow[]): string {
	return rows.length === 0 ? '' : stringify(rows as CsvRow[], CSV_OPTIONS);
}
