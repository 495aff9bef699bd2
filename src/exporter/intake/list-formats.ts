import { parse as parseCsv } from 'csv-parse/sync';
import { ConfigError } from '../exit-codes';
import { COLUMN_ALIASES, columnIndex, rawRow, type RawRow } from './shipment-row';

/** A bad row of the list: its line and what is wrong with it. */
export interface BadRow {
	line: number;
	reason: string;
}

/** The rows of a list in one format, before validation. */
export interface Collected {
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

export function collectCsv(text: string, origin: string): Collected {
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

export function collectJson(text: string, origin: string): Collected {
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

export function collectJsonLines(text: string): Collected {
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
