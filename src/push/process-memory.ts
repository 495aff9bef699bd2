/**
 * Once-only within one n8n process, with workflow static data as the durable copy.
 *
 * Why not static data alone: n8n loads static data at the start of every webhook
 * request and writes the whole object back after the reply. Concurrent requests each
 * decide on their own stale copy, and the last writer wipes what the others recorded.
 *
 * So each request, in ONE synchronous step (no await: no other request of this process
 * can run in between):
 *   1. merges what static data holds INTO this process's memory (a monotonic union),
 *   2. decides against the memory, counting the shipments whose push is still in flight,
 *   3. reserves what it fires, and writes the memory back OUT to static data, pushes in
 *      flight included (n8n saves a request's copy only once its execution exists).
 * The reservation becomes memory when the push is acknowledged, and is dropped when it
 * is not (n8n could not start the execution): the service sends that push again, and it
 * fires then. A dropped reservation that another request's save already carried is kept
 * out of the memory by a tombstone until this process writes its copy again.
 */
import { applyChange, evictOldest, type RecordChange } from './memory';
import { EntryMap, withoutEntry } from './entry-map';
import { isMemoryText, MEMORY_TEXT_TAG, textToEntries } from './memory-text';
import { decodeRecord, EMPTY_RECORD, encodeRecord, mergeRecords, type ShipmentRecord } from './record';
import { entriesFromShipments, entriesFromV1Text, type LegacyShipmentMemory } from './upgrade';

/** The trigger's part of workflow static data (`node:<node name>`). */
export interface PushMemoryStore {
	/** The durable copy (memory-text.ts), or the earlier line format (upgrade.ts). */
	memory?: string;
	/** The 0.1 form, an object per shipment: read once, then replaced by `memory`. */
	shipments?: Record<string, LegacyShipmentMemory>;
}

export interface TriggerIdentity {
	/** `webhook` (production) or `manual` (the editor's test URL, never kept in the process). */
	mode: string;
	workflowId: string;
	nodeId: string;
}

/** A fired push's claim on the memory, settled when its reply is known. */
export interface Reservation {
	/**
	 * The push is being acknowledged: remember it, and write the memory to the request's
	 * static data again, which n8n saves right after the ack (n8n 2.x clears its "changed"
	 * mark when it creates the execution, so what was written at decision time is not saved).
	 */
	commit(): void;
	/** The push was not acknowledged: forget the claim, so the service's retry fires. */
	release(): void;
}

interface ProcessMemory {
	committed: EntryMap;
	/** Fired pushes whose reply is not known yet, by memory key: the record as decided. */
	pending: Map<string, { record: string; claim: object }>;
	/** Records of dropped reservations, by memory key: not to be merged back from a durable copy. */
	dropped: Map<string, string>;
	/** Counts changes of `pending`. */
	pendingChanges: number;
	/** The durable copy as this process last wrote or merged it: finding it again means nothing new. */
	synced: string | undefined;
	/** `version()` when `synced` was written. */
	syncedAt: number;
}

/** Bounds the tombstones a long burst of refused pushes can leave. */
const MAX_DROPPED = 10_000;

const versionOf = (memory: ProcessMemory) => memory.committed.changes + memory.pendingChanges;

/** One memory per trigger node in this process: module state, shared by all its requests. */
const processMemories = new Map<string, ProcessMemory>();

const newMemory = (): ProcessMemory => ({
	committed: new EntryMap(),
	pending: new Map(),
	dropped: new Map(),
	pendingChanges: 0,
	synced: undefined,
	syncedAt: 0,
});

function memoryFor(identity: TriggerIdentity): ProcessMemory {
	// The editor's test URL is for trying a push out, again and again: it is decided on the
	// static data n8n hands the test run alone, and leaves nothing behind in the process.
	if (identity.mode === 'manual') return newMemory();
	const key = `${identity.mode}\u0000${identity.workflowId}\u0000${identity.nodeId}`;
	let memory = processMemories.get(key);
	if (!memory) processMemories.set(key, (memory = newMemory()));
	return memory;
}

/**
 * Decides a push of the shipment `key` on the trigger's process memory, merged both ways
 * with `store`. `decide` must be synchronous: that is what makes decide+reserve atomic.
 * A push that fires comes back with its reservation, to settle when the reply is known.
 */
export function decideInTriggerMemory<T>(
	identity: TriggerIdentity,
	store: PushMemoryStore,
	limit: number,
	key: string,
	decide: (stored: ShipmentRecord | undefined) => { result: T; change?: RecordChange },
): { result: T; reservation?: Reservation } {
	const memory = memoryFor(identity);
	const saved = typeof store.memory === 'string' ? store.memory : undefined;
	absorbDurableCopy(memory, store, saved, limit);

	const current = memory.pending.get(key)?.record ?? memory.committed.get(key);
	const { result, change } = decide(current === undefined ? undefined : decodeRecord(current));
	const persist = identity.mode === 'manual' ? undefined : () => writeDurableCopy(memory, store, undefined, true);
	const reservation = change ? reserve(memory, key, { change, limit, current, persist }) : undefined;
	// A push that fires writes its copy once, as it is acknowledged (`persist`).
	if (!persist || !reservation) writeDurableCopy(memory, store, saved);
	return { result, reservation };
}

function absorbDurableCopy(memory: ProcessMemory, store: PushMemoryStore, saved: string | undefined, limit: number): void {
	if (saved !== undefined && saved !== memory.synced) {
		mergeEntries(isMemoryText(saved) ? textToEntries(saved) : entriesFromV1Text(saved), memory);
	}
	if (store.shipments && typeof store.shipments === 'object') mergeEntries(entriesFromShipments(store.shipments), memory);
	evictOldest(memory.committed, limit);
}

function committedRecord(memory: ProcessMemory, key: string): ShipmentRecord {
	const text = memory.committed.get(key);
	return text === undefined ? { ...EMPTY_RECORD } : decodeRecord(text);
}

interface ReserveOptions {
	change: RecordChange;
	limit: number;
	/** The record the push was decided on (in flight or committed). */
	current: string | undefined;
	/** Writes the memory to the request's static data on commit; none for the editor's test URL. */
	persist?: () => void;
}

function reserve(memory: ProcessMemory, key: string, { change, limit, current, persist }: ReserveOptions): Reservation {
	const claim = {};
	const base = current === undefined ? { ...EMPTY_RECORD } : decodeRecord(current);
	const record = encodeRecord(applyChange(base, change));
	memory.pending.set(key, { record, claim });
	memory.pendingChanges++;
	makeRoom(memory, limit);
	const settle = (keep: boolean) => {
		if (memory.pending.get(key)?.claim === claim) memory.pending.delete(key);
		memory.pendingChanges++;
		if (!keep) return drop(memory, key, record);
		memory.dropped.delete(key);
		// Applied to the committed record as it is now: another push may have fired since.
		const committed = encodeRecord(applyChange(committedRecord(memory, key), change));
		memory.committed.delete(key); // re-inserted last: the order stays least recently fired first
		memory.committed.set(key, committed);
		evictOldest(memory.committed, limit);
		persist?.();
	};
	let settled = false;
	const once = (keep: boolean) => () => {
		if (!settled) settle(keep);
		settled = true;
	};
	return { commit: once(true), release: once(false) };
}

/** Keeps committed and in-flight shipments together within the limit. */
function makeRoom(memory: ProcessMemory, limit: number): void {
	let inFlightOnly = 0;
	for (const key of memory.pending.keys()) if (!memory.committed.has(key)) inFlightOnly++;
	evictOldest(memory.committed, Math.max(0, limit - inFlightOnly));
}

function drop(memory: ProcessMemory, key: string, record: string): void {
	memory.dropped.delete(key);
	memory.dropped.set(key, record);
	if (memory.dropped.size > MAX_DROPPED) memory.dropped.delete(memory.dropped.keys().next().value as string);
}

/**
 * Writes the memory, pushes in flight included, back to static data when it changed
 * (`always`: even when it did not, so that n8n saves it).
 */
function writeDurableCopy(memory: ProcessMemory, store: PushMemoryStore, saved: string | undefined, always = false): void {
	if (!always && saved !== undefined && saved === memory.synced && versionOf(memory) === memory.syncedAt) return; // nothing new
	if (!always && saved === undefined && memory.committed.size === 0 && memory.pending.size === 0 && store.shipments === undefined) return;
	const text = durableText(memory);
	if (always || text !== saved) store.memory = text; // n8n saves static data only when something was written
	if (store.shipments !== undefined) delete store.shipments;
	memory.synced = text;
	memory.syncedAt = versionOf(memory);
}

/** The committed entries, then the pushes in flight (their latest record). */
function durableText(memory: ProcessMemory): string {
	const { committed, pending } = memory;
	if (pending.size === 0) return MEMORY_TEXT_TAG + committed.text;
	let text = committed.text;
	let inFlight = '';
	for (const [key, { record }] of pending) {
		if (committed.has(key)) text = withoutEntry(text, key);
		inFlight += key + record;
	}
	return MEMORY_TEXT_TAG + text + inFlight;
}

/** Union into the process memory; an entry equal to the known one costs one string compare. */
function mergeEntries(entries: Iterable<[string, string]>, memory: ProcessMemory): void {
	const { committed, dropped } = memory;
	for (const [key, text] of entries) {
		const known = committed.get(key);
		if (known === text || dropped.get(key) === text) continue;
		committed.set(key, known === undefined ? text : encodeRecord(mergeRecords(decodeRecord(known), decodeRecord(text))));
	}
}
