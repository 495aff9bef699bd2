import { expect } from 'vitest';
import { TRACKING_EVENT_COLUMNS, eventId } from '../../src/normalize/event';
import { MILESTONES } from '../../src/normalize/milestones';
import type { CsvObject } from './helpers';

/** RFC 4180 with quoting only where needed: what the contract says the bytes must be. */
export function minimalCsv(records: string[][]): string {
	return records
		.map((record) => record.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(','))
		.map((line) => `${line}\n`)
		.join('');
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Checks a data object, read back with csv-parse, against docs/tracking-event.md. */
export function expectContract(object: CsvObject, runId: string): void {
	expect(object.text.charCodeAt(0)).not.toBe(0xfeff);
	expect(object.text.endsWith('\n')).toBe(true);
	expect(object.text).not.toContain('\r\n');
	expect(object.header).toEqual([...TRACKING_EVENT_COLUMNS]);
	// The exact bytes: one header row, LF ends, quotes only around fields that need them.
	expect(object.text).toBe(minimalCsv([object.header, ...object.records]));
	expect(Buffer.from(object.text, 'utf8').toString('utf8')).toBe(object.text);
	for (const record of object.records) expect(record).toHaveLength(TRACKING_EVENT_COLUMNS.length);
	for (const row of object.rows) {
		expect(row.event_id).toMatch(/^[0-9a-f]{64}$/);
		expect(row.event_id).toBe(
			eventId({
				provider: row.provider as 'kuaidi100',
				carrier: row.carrier,
				tracking_number: row.tracking_number,
				event_time: row.event_time,
				status_code: row.status_code,
				description: row.description,
			}),
		);
		expect(['kuaidi100', 'keydelivery']).toContain(row.provider);
		expect(row.carrier).toMatch(/^[a-z0-9_.-]+$/);
		expect(row.tracking_number).not.toBe('');
		if (row.event_time !== '') expect(row.event_time).toMatch(ISO_MS);
		expect(row.event_time_local).not.toBe('');
		expect(MILESTONES).toContain(row.status);
		expect(MILESTONES).toContain(row.shipment_status);
		expect(row.description).not.toMatch(/[\r\n]/);
		for (const coordinate of [row.longitude, row.latitude]) {
			if (coordinate !== '') expect(coordinate).toMatch(/^-?\d+(\.\d+)?$/);
		}
		expect(row.source).toBe('query');
		expect(row.fetched_at).toMatch(ISO_MS);
		expect(row.export_run_id).toBe(runId);
		for (const [column, value] of Object.entries(row)) {
			expect(value.trim().toLowerCase(), `${column} of ${row.event_id}`).not.toBe('null');
			expect(value, `${column} of ${row.event_id}`).not.toBe('undefined');
		}
	}
}
