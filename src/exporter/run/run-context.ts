import type { HttpTransport } from '../../core/http';
import type { ShipmentEncoder } from '../emit/encoder';
import type { RunLayout } from '../emit/object-layout';
import type { LeaseOptions } from '../fetch/min-interval-book';
import type { Sleep } from '../fetch/rate-limiter';
import type { ExportConfig } from '../intake/settings';
import type { Reporter } from '../report/reporter';
import type { RunSummary } from './run-summary';
import type { StateStore } from '../state/state-store';
import type { Storage } from '../storage/storage';

/** What a run is given from outside: I/O, clock and the test seams. */
export interface RunDeps {
	storage: Storage;
	reporter: Reporter;
	/** HTTP to the tracking services; default Node's fetch. */
	transport?: HttpTransport;
	/** The run's clock (30-minute rule, fetched_at); default real time. */
	now?: () => Date;
	/** Sleep for retry backoff and the rate limit; default setTimeout. */
	sleep?: Sleep;
	random?: () => number;
	/** Stops the run: no new query starts, the upload is aborted, nothing is committed. */
	signal?: AbortSignal;
	/** Test seams: called between the upload (data + manifest) and the commit of the state. */
	hooks?: { beforeCommit?: () => void | Promise<void> };
	/** The minimum interval's journal lease; default from --rps, --concurrency and the request timeout (fetch/min-interval-book.ts). */
	lease?: LeaseOptions;
	/** Retry backoff; default 500 ms doubling to 8 s. */
	retryDelays?: { baseDelayMs: number; maxDelayMs: number };
	/** Who turns replies into CSV; default `threads` encoder threads (emit/encoder.ts). */
	encoder?: () => ShipmentEncoder;
}

/** One run as every phase sees it: its settings, where it writes, what it reports. */
export interface RunContext {
	config: ExportConfig;
	layout: RunLayout;
	deps: RunDeps;
	summary: RunSummary;
	now: () => Date;
	reporter: Reporter;
	storage: Storage;
	store: StateStore;
}
