import { ENTRY_LENGTH, KEY_LENGTH } from './record';

/**
 * The durable copy of a trigger's memory: ONE string in workflow static data, a tag
 * followed by fixed-width entries (record.ts), least recently fired first. No
 * separators and nothing to escape: 30 bytes per shipment in the stored JSON.
 *
 * Why one string: n8n parses, wraps (its ObservableObject proxies every nested object)
 * and re-serializes static data on every push; one string is one token to copy, and a
 * process that finds exactly the text it wrote last skips merging (one compare).
 */
export const MEMORY_TEXT_TAG = 'tracking-memory/2:';

/** Key and record per shipment, in the map's order. */
export type MemoryEntries = Iterable<readonly [string, string]>;

export function memoryToText(entries: MemoryEntries): string {
	const parts = [MEMORY_TEXT_TAG];
	for (const [key, record] of entries) parts.push(key, record);
	return parts.join('');
}

export function isMemoryText(text: unknown): text is string {
	return typeof text === 'string' && text.startsWith(MEMORY_TEXT_TAG);
}

/** Entries of a durable copy; a foreign text yields nothing, a truncated tail is skipped. */
export function* textToEntries(text: string): Generator<[string, string]> {
	if (!isMemoryText(text)) return;
	for (let start = MEMORY_TEXT_TAG.length; start + ENTRY_LENGTH <= text.length; start += ENTRY_LENGTH) {
		yield [text.slice(start, start + KEY_LENGTH), text.slice(start + KEY_LENGTH, start + ENTRY_LENGTH)];
	}
}
