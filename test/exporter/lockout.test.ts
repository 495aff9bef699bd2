import { describe, expect, it } from 'vitest';
import { MinIntervalBook } from '../../src/exporter/fetch/min-interval-book';
import { emptyJournal, type Journal } from '../../src/exporter/state/journal';

const START = Date.parse('2024-03-10T02:00:00Z');

/** A book over keys k0..k(n-1) whose journal writes take a few ticks and are recorded as saved. */
function setup(count: number, options: { chunk: number; leaseMs: number; marginMs?: number }, clock = { writeMs: 0 }) {
	let ms = START;
	const saved: Journal[] = [];
	const journal = emptyJournal();
	journal.queries.k1 = '2024-03-10T01:00:00.000Z';
	const keys = Array.from({ length: count }, (_, i) => `k${i}`);
	const book = new MinIntervalBook(
		journal,
		keys,
		async (j) => {
			await new Promise((resolve) => setTimeout(resolve, 2));
			ms += clock.writeMs;
			saved.push(JSON.parse(JSON.stringify(j)) as Journal);
		},
		() => new Date(ms),
		options,
	);
	return { book, saved, keys, advance: (delta: number) => (ms += delta), now: () => ms };
}

describe('the lockout book', () => {
	it('lets a query start only when a finished journal write holds its number with a bound past the request', async () => {
		const { book, saved, keys, now, advance } = setup(10, { chunk: 3, leaseMs: 60_000, marginMs: 10_000 });
		await book.open({ runId: 'r', scheduledAt: 'x', startedAt: 'x', dataUrl: 's3://b/d', manifestUrl: 's3://b/m' });
		// Ten queries meet: each may go only once its own reservation is durable.
		await Promise.all(
			keys.map(async (key) => {
				await book.beforeQuery(key);
				const last = saved[saved.length - 1];
				expect(Date.parse(last.queries[key])).toBeGreaterThanOrEqual(now() + 10_000);
				expect(last.inflight?.leaseUntil).toBeDefined();
			}),
		);
		expect(saved.length).toBeLessThan(10); // shared writes, not one per query
		// Time passes: the next request renews the lease before it goes, recording answers.
		book.answered('k0', new Date(now()).toISOString());
		advance(55_000);
		const writes = saved.length;
		await book.beforeRequest();
		expect(saved.length).toBe(writes + 1);
		expect(saved.at(-1)!.queries.k0).toBe(new Date(START).toISOString());
		expect(Date.parse(saved.at(-1)!.queries.k5)).toBe(now() + 60_000);
	});

	it('settles: answered numbers keep their answer time, refused-for-the-account and never-sent ones their earlier time', async () => {
		const { book, saved } = setup(4, { chunk: 10, leaseMs: 60_000 });
		await book.open({ runId: 'r', scheduledAt: 'x', startedAt: 'x', dataUrl: 's3://b/d', manifestUrl: 's3://b/m' });
		await book.beforeQuery('k0');
		await book.beforeQuery('k1');
		await book.beforeQuery('k2');
		book.answered('k0', '2024-03-10T02:00:01.000Z');
		book.release('k1');
		await book.settle({ clearInflight: true });
		const last = saved.at(-1)!;
		expect(last.queries.k0).toBe('2024-03-10T02:00:01.000Z');
		expect(last.queries.k1).toBe('2024-03-10T01:00:00.000Z'); // its earlier query
		expect(last.queries.k2).toBe(new Date(START).toISOString()); // sent, no answer: now
		expect(last.queries.k3).toBeUndefined(); // never sent
		expect(last.inflight).toBeUndefined();
	});

	it('stops the run when journal writes are slower than the lease', async () => {
		const storage = { writeMs: 0 };
		const { book, advance } = setup(2, { chunk: 2, leaseMs: 1_000, marginMs: 500 }, storage);
		await book.open({ runId: 'r', scheduledAt: 'x', startedAt: 'x', dataUrl: 's3://b/d', manifestUrl: 's3://b/m' });
		storage.writeMs = 900; // each write now eats most of the lease
		advance(600);
		await expect(book.beforeRequest()).rejects.toThrow(/journal writes take longer than the 1 s lease/);
		expect(book.failure).toBeDefined();
	});
});
