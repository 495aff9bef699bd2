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
import { decodeRecord, encodeRecord, fromLegacy, mergeRecords, type LegacyShipmentMemory } from './record';

/** The trigger's part of workflow static data (`node:<node name>`). */
export interface PushMemoryStore {
	/** shipmentKey -> encoded ShipmentRecord (an object: a not yet converted 0.1 entry). */
	shipments?: Record<string, string | LegacyShipmentMemory>;
}

export interface TriggerIdentity {
	/** `webhook` (production) or `manual` (test URL): kept apart, tests must not eat real pushes. */
	mode: string;
	workflowId: string;
	nodeId: string;
}

/** One memory per trigger node in this process: module state, shared by all its requests. */
const processMemories = new Map<string, ShipmentMemoryMap>();

function memoryFor(identity: TriggerIdentity): ShipmentMemoryMap {
	const key = `${identity.mode}\u0000${identity.workflowId}\u0000${identity.nodeId}`;
	let memory = processMemories.get(key);
	if (!memory) processMemories.set(key, (memory = new Map()));
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
	mergeStoreIntoMemory(store, memory);
	evictOldest(memory, limit);
	const result = decide(memory);
	writeMemoryToStore(memory, store);
	return result;
}

/** Union of the durable copy into the process memory; equal entries cost one string compare. */
export function mergeStoreIntoMemory(store: PushMemoryStore, memory: ShipmentMemoryMap): void {
	const saved = store.shipments;
	if (!saved) return;
	for (const key of Object.keys(saved)) {
		const value = saved[key];
		const savedText = typeof value === 'string' ? value : value && typeof value === 'object' ? encodeRecord(fromLegacy(value)) : undefined;
		if (savedText === undefined) continue;
		const known = memory.get(key);
		if (known === savedText) continue;
		memory.set(key, known === undefined ? savedText : encodeRecord(mergeRecords(decodeRecord(known), decodeRecord(savedText))));
	}
}

/**
 * Makes the durable copy equal to the process memory, touching only entries that differ:
 * n8n marks static data as changed (and saves it) only when something was written.
 */
export function writeMemoryToStore(memory: ShipmentMemoryMap, store: PushMemoryStore): void {
	if (memory.size === 0 && store.shipments === undefined) return;
	if (store.shipments === undefined) store.shipments = {};
	const saved = store.shipments;
	for (const [key, text] of memory) {
		if (saved[key] !== text) saved[key] = text;
	}
	if (Object.keys(saved).length === memory.size) return;
	for (const key of Object.keys(saved)) {
		if (!memory.has(key)) delete saved[key]; // evicted here
	}
}
