import { ConfigError } from '../exit-codes';
import { formatLocation, type Location, type Storage } from '../storage/storage';
import { collectCsv, collectJson, collectJsonLines, type BadRow } from './list-formats';
import { validateRow, type Shipment } from './shipment-row';

/** The list's valid shipments and its bad rows (with line and reason). */
export interface ShipmentList {
	shipments: Shipment[];
	badRows: BadRow[];
	format: 'csv' | 'json' | 'jsonl';
}

/** The list's text; bytes that are not UTF-8 make the whole list unreadable. */
export function decodeList(bytes: Buffer, origin: string): string {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		const lossy = bytes.toString('utf8');
		const at = lossy.indexOf('\ufffd');
		const line = at < 0 ? 1 : lossy.slice(0, at).split('\n').length;
		throw new ConfigError(
			`${origin} is not UTF-8 text (line ${line} holds bytes that are not UTF-8): save it as UTF-8 ` +
				'(e.g. iconv -f GBK -t UTF-8 list.csv > list-utf8.csv) and run again',
		);
	}
}

function detectFormat(name: string, text: string): ShipmentList['format'] {
	const lower = name.toLowerCase();
	if (lower.endsWith('.csv')) return 'csv';
	if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
	if (lower.endsWith('.json')) return 'json';
	const start = text.replace(/^\ufeff/, '').trimStart();
	if (start.startsWith('[')) return 'json';
	if (start.startsWith('{')) return 'jsonl';
	return 'csv';
}

/** Parses a shipment list; bad rows are reported with their line and skipped, duplicates too. */
export function parseShipmentList(text: string, name: string): ShipmentList {
	const format = detectFormat(name, text);
	const collected =
		format === 'csv' ? collectCsv(text, name) : format === 'json' ? collectJson(text, name) : collectJsonLines(text);
	const shipments: Shipment[] = [];
	const badRows = [...collected.badRows];
	const seen = new Map<string, number>();
	for (const { raw, line } of collected.rows) {
		const result = validateRow(raw, line);
		if (typeof result === 'string') {
			badRows.push({ line, reason: result });
			continue;
		}
		const first = seen.get(result.key);
		if (first !== undefined) {
			badRows.push({ line, reason: `duplicate of line ${first} (${result.key})` });
			continue;
		}
		seen.set(result.key, line);
		shipments.push(result);
	}
	badRows.sort((a, b) => a.line - b.line);
	return { shipments, badRows, format };
}

export async function loadShipmentList(storage: Storage, location: Location): Promise<ShipmentList> {
	const name = formatLocation(location);
	const bytes = await storage.readBytes(location);
	if (bytes === null) throw new ConfigError(`The shipment list ${name} does not exist`);
	return parseShipmentList(decodeList(bytes, name), name);
}
