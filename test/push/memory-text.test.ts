import { describe, expect, it } from 'vitest';
import { memoryToText, MEMORY_TEXT_TAG, textToEntries } from '../../src/push/memory-text';
import { decodeRecord, encodeRecord, mergeRecords, milestoneBit } from '../../src/push/record';

describe('the durable memory text', () => {
	it('round-trips keys with the separators in them, in order', () => {
		const memory = new Map([
			['kuaidi100:yuantong:YT1', encodeRecord({ fired: milestoneBit('delivered'), seen: 5, floor: 0, ids: ['0123456789abcdef'], status: 'shutdown' })],
			['keydelivery:usps:odd\tnumber\n100%', encodeRecord({ fired: 0, seen: 6, floor: 1_700_000_000_000, ids: [], status: 'a|b c' })],
		]);
		const text = memoryToText(memory);
		expect(text.split('\n')).toHaveLength(3);
		expect([...textToEntries(text)]).toEqual([...memory]);
		expect(decodeRecord([...textToEntries(text)][1][1])).toEqual({ fired: 0, seen: 6, floor: 1_700_000_000_000, ids: [], status: 'a|b c' });
	});

	it('yields nothing for text of another format, and skips damaged lines', () => {
		expect([...textToEntries('{"shipments":{}}')]).toEqual([]);
		expect([...textToEntries(`${MEMORY_TEXT_TAG}\nno tab here\nk\t0|1||| \nbad%E0%A4%A\tx`)]).toEqual([['k', '0|1||| ']]);
	});
});

describe('mergeRecords', () => {
	it('is a union: nothing recorded on either side is lost, whichever side comes first', () => {
		const a = { fired: milestoneBit('exception'), seen: 10, floor: 0, ids: ['aaaaaaaaaaaaaaaa'], status: 'polling' };
		const b = { fired: milestoneBit('delivered'), seen: 20, floor: 5, ids: ['bbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaa'], status: 'shutdown' };
		for (const merged of [mergeRecords(a, b), mergeRecords(b, a)]) {
			expect(merged.fired).toBe(milestoneBit('exception') | milestoneBit('delivered'));
			expect(new Set(merged.ids)).toEqual(new Set(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']));
			expect(merged).toMatchObject({ seen: 20, floor: 5, status: 'shutdown' });
		}
	});

	it('a damaged record reads as empty instead of failing every later push', () => {
		expect(decodeRecord('garbage')).toEqual({ fired: 0, seen: 0, floor: 0, ids: [], status: '' });
	});
});
