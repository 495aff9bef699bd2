import type { Provider } from '../../core/tracking-api-error';
import { eventIdPrefix } from '../../core/keys';
import type { Milestone } from '../../normalize/milestones';
import type { NormalizeOptions, NormalizedShipment } from '../../normalize/shipment';
import { providerOf } from '../../providers';
import { encodeRows, eventRow, type CsvRow } from './csv';
import { packPrefixes, unpackPrefixes } from '../state/export-state';

export interface NewEvents {
	/** The new events as CSV lines (csv-stringify), ready for the writer. */
	csv: string;
	count: number;
	/** Packed id prefixes of the new events, to record at commit. */
	prefixes: Buffer;
	duplicates: number;
}

/** The events of a shipment not exported before (by event_id), as CSV lines. */
export function newEventRows(shipment: NormalizedShipment, exported: Uint8Array): NewEvents {
	const seen = unpackPrefixes(exported);
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

/** One service reply to turn into CSV: what encodeShipment needs, and nothing that cannot cross threads. */
export interface EncodeRequest {
	provider: Provider;
	reply: unknown;
	options: NormalizeOptions;
	/** Packed id prefixes of the shipment's events exported by earlier runs. */
	exported: Uint8Array;
}

/** A reply's new events as UTF-8 CSV bytes, with what the run records of the shipment. */
export interface EncodedShipment {
	csv: Uint8Array;
	count: number;
	/** Packed id prefixes of the new events. */
	prefixes: Uint8Array;
	duplicates: number;
	/** Events in the reply, new or not. */
	fetched: number;
	shipmentStatus: Milestone;
	lastEventTime: string;
	fetchedAt: string;
}

const utf8 = new TextEncoder();

/** Text to UTF-8 bytes; encoder threads pass one that fills recycled buffers. */
export type Utf8Encode = (text: string) => Uint8Array;

/**
 * Reply -> normalized events (provider registry) -> events not exported before
 * -> CSV bytes. The whole per-shipment CPU work of an export, in one function,
 * so that it can run on encoder threads (encoder.ts) or inline with the same
 * result. Every array returned owns its memory, so it can be transferred.
 */
export function encodeShipment(request: EncodeRequest, toUtf8: Utf8Encode = (text) => utf8.encode(text)): EncodedShipment {
	const shipment = providerOf(request.provider).normalize(request.reply, request.options);
	const fresh = newEventRows(shipment, request.exported);
	return {
		csv: toUtf8(fresh.csv),
		count: fresh.count,
		prefixes: new Uint8Array(fresh.prefixes),
		duplicates: fresh.duplicates,
		fetched: shipment.events.length,
		shipmentStatus: shipment.shipment_status,
		lastEventTime: shipment.last_event_time,
		fetchedAt: shipment.fetched_at,
	};
}
