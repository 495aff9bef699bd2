import { EVENT_ID_PREFIX_LENGTH, eventIdPrefix } from '../../core/keys';
import { StorageError } from '../exit-codes';
import { formatLocation, type Location, type Storage } from '../storage/storage';

/**
 * Two documents keep the exporter's memory:
 *
 * - the **state** (committed): per shipment, when it was last queried, its last
 *   milestone and which events were already exported; and the list of completed
 *   runs. It is written only after a run's data object and manifest are in S3.
 *
 * - the **journal** (write-ahead): when each Kuaidi100 number was last queried
 *   (the 30-minute rule must hold even when a run crashes before its commit) and
 *   which run is in flight (so the next run can tell whether that run's object
 *   reached S3, and adopt it rather than export its events a second time).
 *   It lives next to the state: `state.json` -> `state.journal.json`.
 */

/**
 * Exported event ids are kept as their prefix (src/core/keys.ts: 16 hex digits,
 * 64 bits), per shipment: in the file as a list of hex strings, in memory packed
 * as 8 bytes each, outside the JavaScript heap (a million ids take 8 MB).
 */
const ID_PREFIX_BYTES = EVENT_ID_PREFIX_LENGTH / 2;
const NONE = Buffer.alloc(0);

/** Hex id prefixes packed into bytes. */
export function packPrefixes(prefixes: readonly string[]): Buffer {
	return prefixes.length === 0 ? NONE : Buffer.from(prefixes.join(''), 'hex');
}

/** Packed prefixes back into a set of hex strings. */
export function unpackPrefixes(packed: Uint8Array): Set<string> {
	const bytes = Buffer.isBuffer(packed) ? packed : Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
	const set = new Set<string>();
	for (let i = 0; i + ID_PREFIX_BYTES <= bytes.length; i += ID_PREFIX_BYTES) set.add(bytes.toString('hex', i, i + ID_PREFIX_BYTES));
	return set;
}

export interface ShipmentState {
	lastQueriedAt?: string;
	lastMilestone?: string;
	lastEventTime?: string;
	/** Packed 8-byte prefixes of the exported event ids. */
	exported: Buffer;
}

export interface RunRecord {
	runId: string;
	scheduledAt: string;
	finishedAt: string;
	events: number;
	objects: string[];
	manifest?: string;
	/** Set when the run was completed by the next run's recovery. */
	recovered?: boolean;
}

export const RUN_HISTORY = 200;

export class ExportState {
	readonly shipments = new Map<string, ShipmentState>();
	runs: RunRecord[] = [];

	hasRun(runId: string): boolean {
		return this.runs.some((run) => run.runId === runId);
	}

	addRun(record: RunRecord): void {
		this.runs = [...this.runs.filter((run) => run.runId !== record.runId), record].slice(-RUN_HISTORY);
	}

	/** The exported id prefixes of a shipment, as hex strings. */
	static prefixSet(entry: ShipmentState | undefined): Set<string> {
		return unpackPrefixes(entry?.exported ?? NONE);
	}

	static prefixCount(entry: ShipmentState | undefined): number {
		return entry ? Math.floor(entry.exported.length / ID_PREFIX_BYTES) : 0;
	}

	/** Records packed prefixes as exported for the shipment. */
	static addExported(entry: ShipmentState, packed: Buffer): void {
		if (packed.length === 0) return;
		entry.exported = entry.exported.length === 0 ? packed : Buffer.concat([entry.exported, packed]);
	}

	entry(key: string): ShipmentState {
		let entry = this.shipments.get(key);
		if (!entry) {
			entry = { exported: NONE };
			this.shipments.set(key, entry);
		}
		return entry;
	}

	toJSON(): unknown {
		const shipments: Record<string, unknown> = {};
		for (const [key, entry] of this.shipments) {
			const list: string[] = [];
			for (let i = 0; i + ID_PREFIX_BYTES <= entry.exported.length; i += ID_PREFIX_BYTES) {
				list.push(entry.exported.toString('hex', i, i + ID_PREFIX_BYTES));
			}
			shipments[key] = {
				...(entry.lastQueriedAt ? { lastQueriedAt: entry.lastQueriedAt } : {}),
				...(entry.lastMilestone ? { lastMilestone: entry.lastMilestone } : {}),
				...(entry.lastEventTime ? { lastEventTime: entry.lastEventTime } : {}),
				exported: list,
			};
		}
		return { version: 1, kind: 'tracking-export-state', shipments, runs: this.runs };
	}

	static fromJSON(value: unknown, origin: string): ExportState {
		const state = new ExportState();
		if (value === null || value === undefined) return state;
		const doc = value as { version?: unknown; shipments?: unknown; runs?: unknown };
		if (typeof doc !== 'object' || doc.version !== 1 || typeof doc.shipments !== 'object' || doc.shipments === null) {
			throw new StorageError(`${origin} is not a tracking-export state (version 1)`);
		}
		for (const [key, raw] of Object.entries(doc.shipments as Record<string, unknown>)) {
			const item = (raw ?? {}) as Record<string, unknown>;
			const exported = Array.isArray(item.exported)
				? item.exported.filter((id): id is string => typeof id === 'string' && /^[0-9a-f]{16}/i.test(id))
				: [];
			state.shipments.set(key, {
				...(typeof item.lastQueriedAt === 'string' ? { lastQueriedAt: item.lastQueriedAt } : {}),
				...(typeof item.lastMilestone === 'string' ? { lastMilestone: item.lastMilestone } : {}),
				...(typeof item.lastEventTime === 'string' ? { lastEventTime: item.lastEventTime } : {}),
				exported: packPrefixes(exported.map(eventIdPrefix)),
			});
		}
		state.runs = Array.isArray(doc.runs) ? (doc.runs as RunRecord[]).filter((run) => typeof run?.runId === 'string') : [];
		return state;
	}
}

export interface InflightRun {
	runId: string;
	scheduledAt: string;
	startedAt: string;
	/** s3:// URL of the data object the run writes (if it has events). */
	dataUrl: string;
	manifestUrl: string;
	/** No Kuaidi100 request of this run went past this time without a newer journal (see lockout.ts). */
	leaseUntil?: string;
}

export interface Journal {
	version: 1;
	/** Shipment key -> the latest time its last query can have reached Kuaidi100 (an upper bound; see lockout.ts). */
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

/** Loads and saves the state and its journal. */
export class StateStore {
	readonly journalAt: Location;

	constructor(
		private readonly storage: Storage,
		readonly stateAt: Location,
	) {
		this.journalAt = journalLocation(stateAt);
	}

	async loadState(): Promise<ExportState> {
		const text = await this.storage.readText(this.stateAt);
		if (text === null || text.trim() === '') return new ExportState();
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch (error) {
			throw new StorageError(`The state ${formatLocation(this.stateAt)} is not valid JSON; restore it from a backup or move it away`, {
				cause: error,
			});
		}
		return ExportState.fromJSON(parsed, formatLocation(this.stateAt));
	}

	async saveState(state: ExportState): Promise<void> {
		await this.storage.writeText(this.stateAt, JSON.stringify(state));
	}

	async loadJournal(): Promise<Journal> {
		const text = await this.storage.readText(this.journalAt);
		if (text === null || text.trim() === '') return emptyJournal();
		try {
			const parsed = JSON.parse(text) as Partial<Journal>;
			return {
				version: 1,
				queries: typeof parsed.queries === 'object' && parsed.queries !== null ? parsed.queries : {},
				...(parsed.inflight ? { inflight: parsed.inflight } : {}),
			};
		} catch (error) {
			throw new StorageError(`The journal ${formatLocation(this.journalAt)} is not valid JSON; move it away to continue`, {
				cause: error,
			});
		}
	}

	async saveJournal(journal: Journal): Promise<void> {
		await this.storage.writeText(this.journalAt, JSON.stringify(journal));
	}
}
