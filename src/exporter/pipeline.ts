import type { NormalizedShipment } from '../normalize/shipment';
import { encodeRows, eventRow, type CsvRow } from './csv';
import { eventIdPrefix } from '../core/keys';
import { ExportState, packPrefixes, type ShipmentState } from './state';

export interface NewEvents {
	/** The new events as CSV lines (csv-stringify), ready for the writer. */
	csv: string;
	count: number;
	/** Packed id prefixes of the new events, to record at commit. */
	prefixes: Buffer;
	duplicates: number;
}

/** The events of a shipment not exported before (by event_id), as CSV lines. */
export function newEventRows(shipment: NormalizedShipment, exported: ShipmentState | undefined): NewEvents {
	const seen = ExportState.prefixSet(exported);
	const rows: CsvRow[] = [];
	const prefixes: string[] = [];
	let duplicates = 0;
	for (const event of shipment.events) {
		const prefix = eventIdPrefix(event.event_id);
		if (seen.has(prefix)) {
			duplicates++;
			continue;
		}
		seen.add(prefix);
		prefixes.push(prefix);
		rows.push(eventRow(event));
	}
	// Packed copies: the 16-character slices would otherwise keep every full
	// 64-character id alive until the commit.
	return { csv: encodeRows(rows), count: rows.length, prefixes: packPrefixes(prefixes), duplicates };
}
