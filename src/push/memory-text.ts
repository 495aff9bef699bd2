import type { ShipmentMemoryMap } from './memory';

/**
 * The durable copy of a trigger's memory: ONE string in workflow static data,
 * a line per shipment, `<shipmentKey>\t<encoded ShipmentRecord>`, least recently
 * fired first, after a format tag line.
 *
 * Why one string and not an object of 20,000 properties: n8n parses, wraps (its
 * ObservableObject proxies every nested object) and re-serializes static data on
 * every push; one string is one token to parse and copy. And a process that finds
 * exactly the text it wrote last can skip merging altogether (one string compare).
 */
export const MEMORY_TEXT_TAG = 'tracking-memory/1';

/** Keys come from pushes: escape the separators (and %) so a line always splits in two. */
const escapeKey = (key: string) => (/[%\t\n]/.test(key) ? key.replace(/[%\t\n]/g, (c) => encodeURIComponent(c)) : key);
const unescapeKey = (key: string) => (key.includes('%') ? decodeURIComponent(key) : key);

export function memoryToText(memory: ShipmentMemoryMap): string {
	const lines = [MEMORY_TEXT_TAG];
	for (const [key, record] of memory) lines.push(`${escapeKey(key)}\t${record}`);
	return lines.join('\n');
}

/** Entries of a durable copy; anything not in this format (damaged, foreign) yields nothing. */
export function* textToEntries(text: string): Generator<[string, string]> {
	if (!text.startsWith(`${MEMORY_TEXT_TAG}\n`)) return;
	let start = MEMORY_TEXT_TAG.length + 1;
	while (start < text.length) {
		let end = text.indexOf('\n', start);
		if (end === -1) end = text.length;
		const tab = text.indexOf('\t', start);
		if (tab !== -1 && tab < end) {
			try {
				yield [unescapeKey(text.slice(start, tab)), text.slice(tab + 1, end)];
			} catch {
				// a damaged key: skip the line
			}
		}
		start = end + 1;
	}
}
