import { EVENT_ID_PREFIX_LENGTH, eventIdPrefix } from '../../core/keys';
import { StorageError } from '../exit-codes';

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
