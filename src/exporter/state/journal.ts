import type { Location } from '../storage/storage';

/**
 * Two documents keep the exporter's memory:
 *
 * - the **state** (committed): per shipment, when it was last queried, its last
 *   milestone and which events were already exported; and the list of completed
 *   runs. It is written only after a run's data object and manifest are in S3.
 *
 * - the **journal** (write-ahead): when each number with a minimum query interval (Kuaidi100) was last queried
 *   (the 30-minute rule must hold even when a run crashes before its commit) and
 *   which run is in flight (so the next run can tell whether that run's object
 *   reached S3, and adopt it rather than export its events a second time).
 *   It lives next to the state: `state.json` -> `state.journal.json`.
 */

export interface InflightRun {
	runId: string;
	scheduledAt: string;
	startedAt: string;
	/** s3:// URL of the data object the run writes (if it has events). */
	dataUrl: string;
	manifestUrl: string;
	/** No Kuaidi100 request of this run went past this time without a newer journal (see fetch/min-interval-book.ts). */
	leaseUntil?: string;
}

export interface Journal {
	version: 1;
	/** Shipment key -> the latest time its last query can have reached Kuaidi100 (an upper bound; see fetch/min-interval-book.ts). */
	queries: Record<string, string>;
	inflight?: InflightRun;
}

export function emptyJournal(): Journal {
	return { version: 1, queries: {} };
}

/** `state.json` -> `state.journal.json` (same folder or bucket). */
export function journalLocation(state: Location): Location {
	const withJournal = (name: string) => (name.endsWith('.json') ? `${name.slice(0, -5)}.journal.json` : `${name}.journal.json`);
	return state.kind === 's3'
		? { ...state, key: withJournal(state.key) }
		: { ...state, path: withJournal(state.path) };
}

/** The latest of the committed query time and the journal's bound, in ms (select reads it to tell the due shipments). */
export function lastQueryBound(journal: Journal, key: string, committed: string | undefined): number | undefined {
	let last: number | undefined;
	for (const text of [committed, journal.queries[key]]) {
		const t = text ? Date.parse(text) : NaN;
		if (Number.isFinite(t) && (last === undefined || t > last)) last = t;
	}
	return last;
}

/**
 * A journal written before leases (no `leaseUntil`) stamped numbers with the
 * time the crashed run started, a LOWER bound. The crashed process is gone, so
 * "now" is a safe upper bound for every number it reserved.
 */
export function restampLegacyInflight(journal: Journal, now: Date): void {
	const inflight = journal.inflight;
	if (!inflight || inflight.leaseUntil) return;
	for (const [key, time] of Object.entries(journal.queries)) {
		if (time === inflight.startedAt) journal.queries[key] = now.toISOString();
	}
}

/** Drops the entries older than `keepMs`: they no longer matter to any minimum query interval. */
export function pruneJournal(journal: Journal, now: Date, keepMs: number): void {
	const horizon = now.getTime() - keepMs;
	for (const [key, time] of Object.entries(journal.queries)) {
		if (!(Date.parse(time) >= horizon)) delete journal.queries[key];
	}
}
