/**
 * Once-only within one n8n process, with workflow static data as the durable copy.
 *
 * Why not static data alone: n8n loads static data at the start of every webhook
 * request and writes the whole object back after the reply. Concurrent requests each
 * decide on their own stale copy (five identical "delivered" pushes all fire), and the
 * last writer wipes what the others recorded.
 *
 * What this does instead, for each request, in ONE synchronous step (no await, so no
 * other request of this process can run in between):
 *   1. merge what static data holds INTO this process's memory (union: picks up what
 *      another process or an earlier run of this process saved),
 *   2. decide on, and record into, the process memory,
 *   3. write the process memory back OUT to static data (so the copy n8n saves after
 *      this request holds everything this process knows, not just this request's view).
 * Merging is a monotonic union (fired milestones and emitted ids are only ever added),
 * so whichever order n8n's saves land in, nothing that fired can fire again in this
 * process, and a save that lost entries is repaired by the next request's write-back.
 */
import { evictOldest, type ShipmentMemoryMap } from './memory';
import { memoryToText, textToEntries } from './memory-text';
import { decodeRecord, encodeRecord, fromLegacy, mergeRecords, type LegacyShipmentMemory } from './record';

/** The trigger's part of workflow static data (`node:<node name>`). */
export interface PushMemoryStore {
	/** The durable copy (memory-text.ts). */
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

/** A Map that counts its changes, so an unchanged memory is not serialized again. */
class CountingMap extends Map<string, string> {
	changes = 0;

	override set(key: string, value: string): this {
		this.changes++;
		return super.set(key, value);
	}

	override delete(key: string): boolean {
		this.changes++;
		return super.delete(key);
	}
}

interface ProcessMemory {
	entries: CountingMap;
	/** The durable copy as this process last wrote or merged it: finding it again means nothing new. */
	synced: string | undefined;
	/** `entries.changes` when `synced` was written. */
	syncedAt: number;
}

/** One memory per trigger node in this process: module state, shared by all its requests. */
const processMemories = new Map<string, ProcessMemory>();

function memoryFor(identity: TriggerIdentity): ProcessMemory {
	// The editor's test URL is for trying a push out, again and again: it is decided on the
	// static data n8n hands the test run alone, and leaves nothing behind in the process.
	if (identity.mode === 'manual') return { entries: new CountingMap(), synced: undefined, syncedAt: 0 };
	const key = `${identity.mode}\u0000${identity.workflowId}\u0000${identity.nodeId}`;
	let memory = processMemories.get(key);
	if (!memory) processMemories.set(key, (memory = { entries: new CountingMap(), synced: undefined, syncedAt: 0 }));
	return memory;
}

/**
 * Runs `decide` on the trigger's process memory, merged both ways with `store`.
 * `decide` must be synchronous: that is what makes decide+record atomic here.
 */
export function withTriggerMemory<T>(
	identity: TriggerIdentity,
	store: PushMemoryStore,
	limit: number,
	decide: (memory: ShipmentMemoryMap) => T,
): T {
	const memory = memoryFor(identity);
	const saved = typeof store.memory === 'string' ? store.memory : undefined;
	if (saved !== memory.synced && saved !== undefined) mergeEntries(textToEntries(saved), memory.entries);
	if (store.shipments && typeof store.shipments === 'object') mergeEntries(legacyEntries(store.shipments), memory.entries);
	evictOldest(memory.entries, limit);

	const result = decide(memory.entries);

	// The usual repeat push: the durable copy is what this process wrote and nothing changed.
	if (saved !== undefined && saved === memory.synced && memory.entries.changes === memory.syncedAt) return result;
	if (saved === undefined && memory.entries.size === 0 && store.shipments === undefined) return result;
	const text = memoryToText(memory.entries);
	if (text !== saved) store.memory = text; // n8n saves static data only when something was written
	if (store.shipments !== undefined) delete store.shipments;
	memory.synced = text;
	memory.syncedAt = memory.entries.changes;
	return result;
}

/** Union into the process memory; an entry equal to the known one costs one string compare. */
function mergeEntries(entries: Iterable<[string, string]>, memory: ShipmentMemoryMap): void {
	for (const [key, text] of entries) {
		const known = memory.get(key);
		if (known === text) continue;
		memory.set(key, known === undefined ? text : encodeRecord(mergeRecords(decodeRecord(known), decodeRecord(text))));
	}
}

function* legacyEntries(shipments: Record<string, LegacyShipmentMemory>): Generator<[string, string]> {
	for (const [key, value] of Object.entries(shipments)) {
		if (value && typeof value === 'object') yield [key, encodeRecord(fromLegacy(value))];
	}
}
