import { describe, expect, it } from 'vitest';
import { EntryMap } from '../../src/push/entry-map';
import { memoryToText, MEMORY_TEXT_TAG, textToEntries } from '../../src/push/memory-text';
import { decodeRecord, encodeRecord, ENTRY_LENGTH, memoryKey, mergeRecords, milestoneBit, RECORD_LENGTH, statusHash } from '../../src/push/record';

const record = (over: Partial<Parameters<typeof encodeRecord>[0]> = {}) => ({ fired: 0, seen: 0, marker: 0, markedAt: 0, status: 0, ...over });

describe('the compact record', () => {
	it('round-trips every field at its largest value in 19 characters', () => {
		const largest = record({ fired: 2 ** 18 - 1, seen: 2 ** 24 - 1, marker: 2 ** 30 - 1, markedAt: 2 ** 30 - 1, status: 4095 });
		expect(encodeRecord(largest)).toHaveLength(RECORD_LENGTH);
		expect(decodeRecord(encodeRecord(largest))).toEqual(largest);
		const typical = record({ fired: milestoneBit('delivered'), seen: 3_600_000, marker: 123_456_789, markedAt: 29_000_000, status: statusHash('shutdown') });
		expect(decodeRecord(encodeRecord(typical))).toEqual(typical);
	});

	it('a damaged record reads as empty instead of failing every later push', () => {
		expect(decodeRecord('garbage')).toEqual(record());
		expect(decodeRecord('%'.repeat(RECORD_LENGTH))).toEqual(record());
	});

	it('keys are 11 characters (66 bits of SHA-256); 100,000 shipments get 100,000 keys', () => {
		const keys = new Set(Array.from({ length: 100_000 }, (_, i) => memoryKey(`kuaidi100:yuantong:YT${i}`)));
		expect(keys.size).toBe(100_000);
		for (const key of [...keys].slice(0, 100)) expect(key).toMatch(/^[A-Za-z0-9_-]{11}$/);
	});

	it('the push statuses of both services hash apart, and no status hashes to "none"', () => {
		const statuses = ['polling', 'shutdown', 'abort', 'updateall', 'tracking_update', 'tracking_stopped', 'tracking_expired'];
		expect(new Set(statuses.map(statusHash)).size).toBe(statuses.length);
		for (const status of statuses) expect(statusHash(status)).not.toBe(0);
		expect(statusHash('')).toBe(0);
	});
});

describe('the durable memory text', () => {
	it('is the tag and fixed-width entries, in order, with nothing to escape', () => {
		const memory = new Map([
			[memoryKey('kuaidi100:yuantong:YT1'), encodeRecord(record({ fired: milestoneBit('delivered'), seen: 5 }))],
			[memoryKey('keydelivery:usps:odd\tnumber\n100%'), encodeRecord(record({ seen: 6, status: statusHash('a|b c') }))],
		]);
		const text = memoryToText(memory);
		expect(text).toHaveLength(MEMORY_TEXT_TAG.length + 2 * ENTRY_LENGTH);
		expect(JSON.stringify(text)).toHaveLength(text.length + 2);
		expect([...textToEntries(text)]).toEqual([...memory]);
	});

	it('yields nothing for text of another format, and skips a truncated tail', () => {
		expect([...textToEntries('{"shipments":{}}')]).toEqual([]);
		const one = memoryToText([[memoryKey('k'), encodeRecord(record({ seen: 1 }))]]);
		expect([...textToEntries(`${one}abc`)]).toHaveLength(1);
	});
});

describe('mergeRecords', () => {
	it('is a union: a milestone fired on either side stays fired, the newer marker wins, whichever side comes first', () => {
		const a = record({ fired: milestoneBit('exception'), seen: 10, marker: 1, markedAt: 100, status: statusHash('polling') });
		const b = record({ fired: milestoneBit('delivered'), seen: 20, marker: 2, markedAt: 200, status: statusHash('shutdown') });
		for (const merged of [mergeRecords(a, b), mergeRecords(b, a)]) {
			expect(merged).toEqual({ fired: milestoneBit('exception') | milestoneBit('delivered'), seen: 20, marker: 2, markedAt: 200, status: statusHash('shutdown') });
		}
	});
});

describe('EntryMap: the entries\' text kept by small edits', () => {
	it('equals the text built from scratch after any mix of appends, updates, moves and deletes', () => {
		const map = new EntryMap();
		const model = new Map<string, string>();
		const entry = (i: number) => [memoryKey(`k${i % 97}`), encodeRecord(record({ seen: i }))] as const;
		for (let i = 0; i < 2_000; i++) {
			const [key, value] = entry(i);
			const op = i % 5;
			for (const m of [map, model] as Array<Map<string, string>>) {
				if (op === 0) m.delete(key);
				else if (op === 1) {
					m.delete(key);
					m.set(key, value);
				} else m.set(key, value);
			}
			if (i % 37 === 0) expect(map.text).toBe(memoryToText(model).slice(MEMORY_TEXT_TAG.length));
		}
		expect(map.text).toBe(memoryToText(model).slice(MEMORY_TEXT_TAG.length));
		expect([...map]).toEqual([...model]);
	});
});
