import type { HttpTransport } from '../../core/http';
import { PROVIDERS } from '../../providers';
import { pruneJournal, type InflightRun, type Journal } from '../state/journal';

/**
 * The minimum query interval of a service (the provider registry's
 * `minQueryIntervalMs`; Kuaidi100's 30 minutes: a number queried twice within
 * 30 minutes may be locked). This book keeps the bookkeeping that makes the
 * rule hold whatever moment the process dies. Fetch is the only phase that
 * reserves and stamps numbers in it; the run settles it once (commit, or a failure).
 *
 * Every time in `journal.queries` is an UPPER bound of the last moment a query
 * of that number reached the service ("queried at or before"). A number is due
 * only when that bound is 30 minutes old, so the real query is too.
 *
 * How the bound stays true without a journal write per query (a lease):
 * - numbers are reserved in send order, a chunk at a time; a reserved number
 *   that has no answer yet is stamped with the lease end;
 * - every Kuaidi100 request (retries included) waits until the lease still has
 *   a quarter of its length to run; when it does not, the lease is renewed: one
 *   journal write that also records the real answer times seen since the last one.
 * So a number's stamp is its answer time or a lease end that no request of it
 * went past. After a SIGKILL the numbers reserved but not answered wait 30
 * minutes from the lease end (at most one lease longer than needed); numbers
 * beyond the reserved chunk keep their earlier time.
 */

/** Journal entries older than this no longer matter to any service's minimum interval. */
const JOURNAL_KEEP_MS = 2 * Math.max(...Object.values(PROVIDERS).map((entry) => entry.minQueryIntervalMs));
export const DEFAULT_LEASE_MS = 60_000;

export interface LeaseOptions {
	leaseMs: number;
	/**
	 * A request is sent only while the lease has this much left: it must reach the
	 * service before the lease ends (default a quarter of the lease; the run uses
	 * its request timeout).
	 */
	marginMs?: number;
	/** Numbers reserved per journal write (about the queries one lease can start). */
	chunk: number;
}

export function leaseOptions(rps: number, concurrency: number, timeoutMs: number): LeaseOptions {
	const leaseMs = Math.max(DEFAULT_LEASE_MS, 4 * timeoutMs);
	const perLease = rps > 0 ? Math.ceil((rps * leaseMs) / 1000) : concurrency * 16;
	return { leaseMs, marginMs: timeoutMs, chunk: Math.max(concurrency, perLease + concurrency) };
}

/** Renewals in a row that may leave the lease still too short before the run gives up. */
const MAX_SLOW_RENEWALS = 3;

/** The reservations of one run; `keys` are its due numbers with a minimum interval (Kuaidi100), in send order. */
export class MinIntervalBook {
	private readonly position = new Map<string, number>();
	private readonly previous = new Map<string, string | undefined>();
	private readonly answeredAt = new Map<string, string>();
	private readonly released = new Set<string>();
	private readonly started = new Set<string>();
	/** Numbers reserved (in send order), and how many of them a finished write holds. */
	private reserved = 0;
	private written = 0;
	private leaseEnd = 0;
	private writing: Promise<void> = Promise.resolve();
	private queued: Promise<void> | undefined;
	/** A journal write that failed: no query may start on an unrecorded lease, the run stops. */
	failure: unknown;

	constructor(
		private readonly journal: Journal,
		private readonly keys: readonly string[],
		private readonly save: (journal: Journal) => Promise<void>,
		private readonly now: () => Date,
		private readonly options: LeaseOptions,
	) {
		keys.forEach((key, i) => {
			this.position.set(key, i);
			this.previous.set(key, journal.queries[key]);
		});
	}

	/** Writes the in-flight note and the first reservation, before any query. */
	async open(inflight: Omit<InflightRun, 'leaseUntil'>): Promise<void> {
		this.journal.inflight = { ...inflight };
		this.reserved = Math.min(this.keys.length, this.options.chunk);
		await this.renew();
	}

	/** Before the first request of a number: it must be reserved under a fresh lease. */
	async beforeQuery(key: string): Promise<void> {
		const at = this.position.get(key);
		if (at === undefined) return;
		this.started.add(key);
		while (at >= this.written) {
			this.reserved = Math.max(this.reserved, Math.min(this.keys.length, at + this.options.chunk));
			await this.renew();
		}
		await this.beforeRequest();
	}

	/** Before every Kuaidi100 request (retries too): the lease must cover it. */
	async beforeRequest(): Promise<void> {
		const margin = this.options.marginMs ?? this.options.leaseMs / 4;
		for (let renewals = 0; this.now().getTime() >= this.leaseEnd - margin; renewals++) {
			if (renewals === MAX_SLOW_RENEWALS) {
				// Journal writes slower than the lease: no request could be covered.
				this.failure ??= new Error(`journal writes take longer than the ${this.options.leaseMs / 1000} s lease`);
				throw this.failure;
			}
			await this.renew();
		}
	}

	/** The service answered (or refused the number itself): the query happened at or before `at`. */
	answered(key: string, at: string): void {
		if (this.position.has(key)) this.answeredAt.set(key, at);
	}

	/** Refused at the account level: the number was not looked up, its earlier time stands. */
	release(key: string): void {
		if (this.position.has(key)) this.released.add(key);
	}

	/** Gates a transport so that each request waits for the lease. */
	gate(transport: HttpTransport): HttpTransport {
		return async (request) => {
			await this.beforeRequest();
			return await transport(request);
		};
	}

	/**
	 * After the query phase: answered numbers keep their answer time, numbers
	 * never sent (or refused for the account) get their earlier time back, and a
	 * number sent without an answer keeps "now" (its requests are over).
	 */
	async settle(options: { clearInflight: boolean }): Promise<void> {
		await this.writing.catch(() => undefined);
		const now = this.now().toISOString();
		for (const key of this.keys) {
			const answered = this.answeredAt.get(key);
			if (answered && !this.released.has(key)) this.journal.queries[key] = answered;
			else if (this.started.has(key) && !this.released.has(key)) this.journal.queries[key] = now;
			else this.restore(key);
		}
		if (options.clearInflight) delete this.journal.inflight;
		else if (this.journal.inflight) this.journal.inflight.leaseUntil = now;
		pruneJournal(this.journal, this.now(), JOURNAL_KEEP_MS);
		await this.save(this.journal);
	}

	private restore(key: string): void {
		const previous = this.previous.get(key);
		if (previous) this.journal.queries[key] = previous;
		else delete this.journal.queries[key];
	}

	/** One journal write: a new lease end for the open reservations, answer times for the rest. */
	private renew(): Promise<void> {
		// Callers that arrive before a write starts share it; later ones queue the next.
		if (this.queued) return this.queued;
		const run = async () => {
			this.queued = undefined;
			const leaseEnd = this.now().getTime() + this.options.leaseMs;
			const until = new Date(leaseEnd).toISOString();
			const reserved = this.reserved;
			for (let i = 0; i < reserved; i++) {
				const key = this.keys[i];
				const answered = this.answeredAt.get(key);
				if (this.released.has(key)) this.restore(key);
				else this.journal.queries[key] = answered ?? until;
			}
			if (this.journal.inflight) this.journal.inflight.leaseUntil = until;
			pruneJournal(this.journal, this.now(), JOURNAL_KEEP_MS);
			try {
				await this.save(this.journal);
			} catch (error) {
				this.failure ??= error;
				throw error;
			}
			this.leaseEnd = leaseEnd;
			this.written = Math.max(this.written, reserved);
		};
		const next = this.writing.catch(() => undefined).then(run);
		this.queued = next;
		this.writing = next;
		return next;
	}
}
