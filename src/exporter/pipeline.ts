import type { Provider } from '../core/errors';
import { normalizeKeyDeliveryResult, normalizeKuaidi100Result, type NormalizedShipment } from '../normalize/shipment';
import { eventRow, type CsvRow } from './csv';
import { eventIdPrefix } from '../core/keys';
import { ExportState, packPrefixes, type ShipmentState } from './state';

export interface ReplyContext {
	provider: Provider;
	carrier: string;
	trackingNumber: string;
	fetchedAt: Date;
	runId: string;
	sourceTimeZone: string;
}

/** A service reply (Kuaidi100 query result or KeyDelivery realtime data) through the shared normalizer. */
export function normalizeReply(reply: unknown, context: ReplyContext): NormalizedShipment {
	const options = {
		source: 'query' as const,
		fetchedAt: context.fetchedAt,
		exportRunId: context.runId,
		sourceTimeZone: context.sourceTimeZone,
		carrier: context.carrier,
		trackingNumber: context.trackingNumber,
	};
	return context.provider === 'kuaidi100' ? normalizeKuaidi100Result(reply, options) : normalizeKeyDeliveryResult(reply, options);
}

export interface NewEvents {
	rows: CsvRow[];
	/** Packed id prefixes of the new events, to record at commit. */
	prefixes: Buffer;
	duplicates: number;
}

/** The events of a shipment not exported before (by event_id), as CSV rows. */
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
	return { rows, prefixes: packPrefixes(prefixes), duplicates };
}
