import { shipmentProblem, type ShipmentFields } from '../../core/validation';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Provider } from '../../core/errors';
import { PROVIDERS } from '../../providers';
import { shipmentKey } from '../../core/keys';
import { ConfigError } from '../exit-codes';
import { formatLocation, type Location, type Storage } from '../storage/storage';

/** One shipment to watch, from one row of the list. */
export interface Shipment {
	provider: Provider;
	/** Carrier code as the service names it, lower case. */
	carrier: string;
	trackingNumber: string;
	phone?: string;
	shipFrom?: string;
	shipTo?: string;
	/** Line of the row in the list (1-based, the CSV header is line 1). */
	line: number;
	/** provider:carrier:tracking_number, the key of the shipment in the state. */
	key: string;
}

export interface BadRow {
	line: number;
	reason: string;
}

export interface ShipmentList {
	shipments: Shipment[];
	badRows: BadRow[];
	format: 'csv' | 'json' | 'jsonl';
}

/** Column names and the aliases accepted for them (case-insensitive). */
const COLUMN_ALIASES: Record<keyof RawRow, string[]> = {
	provider: ['provider', 'service'],
	carrier: ['carrier', 'carrier_id', 'com', 'company', 'carrier_code'],
	tracking_number: ['tracking_number', 'trackingnumber', 'num', 'number', 'tracking_no'],
	phone: ['phone', 'mobile', 'telephone'],
	ship_from: ['ship_from', 'from', 'shipfrom'],
	ship_to: ['ship_to', 'to', 'shipto'],
};

interface RawRow {
	provider: unknown;
	carrier: unknown;
	tracking_number: unknown;
	phone: unknown;
	ship_from: unknown;
	ship_to: unknown;
}

function field(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '\u0000invalid';
}

/** Where a bad value sits, for the shared shipment rule's messages. */
const LIST_COLUMNS: ShipmentFields = {
	carrier: 'the carrier column',
	trackingNumber: 'the tracking_number column',
	phone: 'the phone column',
};

/** The services a row may name: the provider registry's. */
const PROVIDER_NAMES = Object.keys(PROVIDERS).join(' or ');

function isProvider(name: string): name is Provider {
	return Object.hasOwn(PROVIDERS, name);
}

/** Validates one row; returns the shipment or the reason it is bad. */
export function validateRow(raw: RawRow, line: number): Shipment | string {
	const provider = field(raw.provider).toLowerCase();
	const carrier = field(raw.carrier).toLowerCase();
	const trackingNumber = field(raw.tracking_number);
	const phone = field(raw.phone);
	const shipFrom = field(raw.ship_from);
	const shipTo = field(raw.ship_to);
	for (const [name, value] of Object.entries({ provider, carrier, tracking_number: trackingNumber, phone, ship_from: shipFrom, ship_to: shipTo })) {
		if (value.includes('\u0000')) return `${name} must be text`;
	}
	if (!provider) return `provider is missing (${PROVIDER_NAMES})`;
	if (!isProvider(provider)) return `provider "${provider}" is not ${PROVIDER_NAMES}`;
	const problem = shipmentProblem({ provider, carrier, trackingNumber, phone }, LIST_COLUMNS);
	if (problem) return problem;
	if (shipFrom.length > 200 || shipTo.length > 200) return 'ship_from / ship_to are longer than 200 characters';
	return {
		provider,
		carrier,
		trackingNumber,
		...(phone ? { phone } : {}),
		...(shipFrom ? { shipFrom } : {}),
		...(shipTo ? { shipTo } : {}),
		line,
		key: shipmentKey(provider, carrier, trackingNumber),
	};
}

function columnIndex(header: string[]): { index: Partial<Record<keyof RawRow, number>>; unknown: string[] } {
	const index: Partial<Record<keyof RawRow, number>> = {};
	const unknown: string[] = [];
	header.forEach((name, i) => {
		const normalized = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
		const column = (Object.keys(COLUMN_ALIASES) as Array<keyof RawRow>).find((key) =>
			COLUMN_ALIASES[key].includes(normalized),
		);
		if (column && index[column] === undefined) index[column] = i;
		else if (normalized) unknown.push(name);
	});
	return { index, unknown };
}

interface Collected {
	rows: Array<{ raw: RawRow; line: number }>;
	badRows: BadRow[];
}

/**
 * The line where a quoted field opens and never closes, if one does: the CSV
 * reader would read every later row into that field, so the list as a whole is bad.
 */
export function unclosedQuoteLine(text: string): number | undefined {
	let line = 1;
	let openedAt: number | undefined;
	let fieldStart = true;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (openedAt !== undefined) {
			if (c === 10) line++;
			else if (c === 34) {
				if (text.charCodeAt(i + 1) === 34) i++;
				else {
					openedAt = undefined;
					fieldStart = false;
				}
			}
			continue;
		}
		if (c === 34 && fieldStart) openedAt = line;
		if (c === 10) line++;
		fieldStart = c === 10 || c === 44 || c === 13 || c === 0xfeff;
	}
	return openedAt;
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

function collectCsv(text: string, origin: string): Collected {
	const openQuote = unclosedQuoteLine(text);
	if (openQuote !== undefined) {
		throw new ConfigError(
			`${origin} line ${openQuote}: a quote (") opens a field that is never closed, so every row after it would be lost; ` +
				'close the quote (a quote inside a quoted field is written "") or remove it, and run again',
		);
	}
	const badRows: BadRow[] = [];
	const records = readCsvRecords(text, origin, badRows);
	if (records.length === 0) return { rows: [], badRows };
	const [first, ...rest] = records;
	const { index } = columnIndex(first.record);
	const missing = (['provider', 'carrier', 'tracking_number'] as const).filter((c) => index[c] === undefined);
	if (missing.length > 0) {
		throw new ConfigError(
			`${origin}: the header row (line ${first.info.lines}) lacks the column(s) ${missing.join(', ')}; ` +
				'expected provider,carrier,tracking_number[,phone,ship_from,ship_to]',
		);
	}
	const rows: Collected['rows'] = [];
	for (const { record, info } of rest) {
		if (record.length > first.record.length) {
			badRows.push({ line: info.lines, reason: `${record.length} fields where the header has ${first.record.length}` });
		} else {
			rows.push({ raw: rawFromRecord(record, index), line: info.lines });
		}
	}
	return { rows, badRows };
}

type CsvRecord = { record: string[]; info: { lines: number } };

/** csv-parse's records with their line; unreadable rows go to `badRows`. */
function readCsvRecords(text: string, origin: string, badRows: BadRow[]): CsvRecord[] {
	try {
		return parseCsv(text, {
			bom: true,
			info: true,
			relax_column_count: true,
			skip_empty_lines: true,
			skip_records_with_error: true,
			on_skip: (error: { message?: string; lines?: number } | undefined) => {
				badRows.push({ line: error?.lines ?? 0, reason: `not valid CSV: ${error?.message ?? 'unreadable row'}` });
			},
		}) as unknown as CsvRecord[];
	} catch (error) {
		throw new ConfigError(`${origin} is not valid CSV: ${(error as Error).message}`, { cause: error });
	}
}

/** A row's raw values, column by column. */
function rawRow(pick: (column: keyof RawRow) => unknown): RawRow {
	return Object.fromEntries((Object.keys(COLUMN_ALIASES) as Array<keyof RawRow>).map((column) => [column, pick(column)])) as unknown as RawRow;
}

function rawFromRecord(record: string[], index: Partial<Record<keyof RawRow, number>>): RawRow {
	const pick = (column: keyof RawRow) => (index[column] === undefined ? undefined : record[index[column]!]);
	return rawRow(pick);
}

function rawFromObject(value: unknown): RawRow | string {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
	const lower = new Map(Object.entries(value).map(([k, v]) => [k.trim().toLowerCase().replace(/[\s-]+/g, '_'), v]));
	const pick = (column: keyof RawRow) => {
		for (const alias of COLUMN_ALIASES[column]) if (lower.has(alias)) return lower.get(alias);
		// camelCase spellings (trackingNumber, shipFrom) arrive lower-cased without the underscore.
		return lower.get(column.replace(/_/g, ''));
	};
	return rawRow(pick);
}

/** 1-based line of the start of each element of a top-level JSON array. */
export function arrayElementLines(text: string): number[] {
	const lines: number[] = [];
	let line = 1;
	let depth = 0;
	let inString = false;
	let escaped = false;
	let expectValue = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '\n') line++;
		if (inString) {
			if (escaped) escaped = false;
			else if (c === '\\') escaped = true;
			else if (c === '"') inString = false;
			continue;
		}
		if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\ufeff') continue;
		if (depth === 1 && expectValue && c !== ']') {
			lines.push(line);
			expectValue = false;
		}
		if (c === '"') inString = true;
		else if (c === '[' || c === '{') {
			depth++;
			if (depth === 1 && c === '[') expectValue = true;
		} else if (c === ']' || c === '}') depth--;
		else if (c === ',' && depth === 1) expectValue = true;
	}
	return lines;
}

function collectJson(text: string, origin: string): Collected {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text.replace(/^\ufeff/, ''));
	} catch (error) {
		throw new ConfigError(`${origin} is not valid JSON: ${(error as Error).message}`, { cause: error });
	}
	if (!Array.isArray(parsed)) {
		throw new ConfigError(`${origin}: expected a JSON array of shipments (or JSON Lines, one object per line)`);
	}
	const lines = arrayElementLines(text);
	const rows: Collected['rows'] = [];
	const badRows: BadRow[] = [];
	parsed.forEach((item, i) => {
		const line = lines[i] ?? 0;
		const raw = rawFromObject(item);
		if (typeof raw === 'string') badRows.push({ line, reason: `item ${i + 1} is ${raw}` });
		else rows.push({ raw, line });
	});
	return { rows, badRows };
}

function collectJsonLines(text: string): Collected {
	const rows: Collected['rows'] = [];
	const badRows: BadRow[] = [];
	text.replace(/^\ufeff/, '')
		.split('\n')
		.forEach((content, i) => {
			const line = i + 1;
			if (!content.trim() || content.trim().startsWith('//')) return;
			let item: unknown;
			try {
				item = JSON.parse(content);
			} catch (error) {
				badRows.push({ line, reason: `not valid JSON: ${(error as Error).message}` });
				return;
			}
			const raw = rawFromObject(item);
			if (typeof raw === 'string') badRows.push({ line, reason: raw });
			else rows.push({ raw, line });
		});
	return { rows, badRows };
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
