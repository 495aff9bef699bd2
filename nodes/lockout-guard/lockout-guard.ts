import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { queryWindowKey, shipmentKey } from '../../src/core/keys';
import { kuaidi100 } from '../../src/providers/kuaidi100';
import type { KeyMemory } from '../node-memory/key-memory';

/**
 * Kuaidi100 may lock a number that is queried again within 30 minutes. The guard
 * counts time in 30-minute windows (n8n's store keeps hashes of keys, not times): a
 * query in window W is recorded as "queried in W", and a number is queried only if it
 * was not queried in the current window nor the one before. So two queries of a number
 * are always at least 30 minutes apart, and at most 60 minutes: an hourly schedule
 * always gets through. A window is the registry's minimum interval of Kuaidi100.
 */

export const lockoutGuardProperty: INodeProperties = {
	displayName: 'Lockout Guard',
	name: 'lockoutGuard',
	type: 'boolean',
	default: true,
	description:
		'Whether to skip numbers this node queried less than 30 minutes ago (Kuaidi100 may lock a number queried more often). A skipped number comes out as an item with "skipped": true and the time of the next allowed query, not as an error.',
};

export interface ShipmentRef {
	provider: string;
	carrier: string;
	trackingNumber: string;
}

export type LockoutDecision = { allowed: true } | { allowed: false; nextQueryAt: Date };

function windowOf(time: Date): number {
	return Math.floor(time.getTime() / kuaidi100.minQueryIntervalMs);
}

function windowStart(window: number): Date {
	return new Date(window * kuaidi100.minQueryIntervalMs);
}

function refKey(ref: ShipmentRef): string {
	return shipmentKey(ref.provider, ref.carrier, ref.trackingNumber);
}

/**
 * Decides which shipments may be queried now and records those queries in the
 * node's memory before any is sent (a crash after sending still leaves the record).
 * Runs alone among this process's executions of the node, so two executions started
 * together cannot both get a number.
 */
export async function reserveQueries(
	memory: KeyMemory,
	shipments: ShipmentRef[],
	now: Date = new Date(),
): Promise<Map<string, LockoutDecision>> {
	const unique = new Map(shipments.map((ref) => [refKey(ref), ref]));
	const decisions = new Map<string, LockoutDecision>();
	if (unique.size === 0) return decisions;
	const current = windowOf(now);
	const key = (ref: ShipmentRef, window: number) => queryWindowKey(ref.provider, ref.carrier, ref.trackingNumber, window);
	return await memory.exclusive(async () => {
		// The store has no "look without recording": probing both windows records them,
		// and the probes that must not stay are taken out again below.
		const probes = [...unique.values()].flatMap((ref) => [key(ref, current), key(ref, current - 1)]);
		const fresh = await memory.recordNew(probes);
		const undo: string[] = [];
		for (const [id, ref] of unique) {
			const thisWindow = fresh.has(key(ref, current));
			const lastWindow = fresh.has(key(ref, current - 1));
			// A probe of the previous window is never needed again, nor are older records
			// (an hourly schedule's last query is 2 or 3 windows back): they only take room.
			if (lastWindow) undo.push(key(ref, current - 1));
			if (thisWindow && lastWindow) {
				decisions.set(id, { allowed: true });
				undo.push(key(ref, current - 2), key(ref, current - 3));
				continue;
			}
			// Not queried now: "queried in this window" must not stay recorded.
			if (thisWindow) undo.push(key(ref, current));
			decisions.set(id, { allowed: false, nextQueryAt: windowStart(thisWindow ? current + 1 : current + 2) });
		}
		await memory.forget(undo);
		return decisions;
	});
}

/** Per execution: the decisions, and which request may use each allowed shipment. */
export class LockoutPlan {
	private readonly claimedBy = new Map<string, string>();

	constructor(
		private readonly decisions: Map<string, LockoutDecision>,
		private readonly now: Date,
	) {}

	/**
	 * The decision for one item. Items that send the same request share one query;
	 * a second, different request for an allowed number (say, another language) would
	 * be a second query within 30 minutes, so it is skipped.
	 */
	decide(ref: ShipmentRef, requestKey: string): LockoutDecision {
		const id = refKey(ref);
		const decision = this.decisions.get(id);
		if (!decision || !decision.allowed) return decision ?? { allowed: true };
		const owner = this.claimedBy.get(id);
		if (owner === undefined) this.claimedBy.set(id, requestKey);
		else if (owner !== requestKey) return { allowed: false, nextQueryAt: windowStart(windowOf(this.now) + 2) };
		return decision;
	}
}

/** The item of a number the guard did not query: a status to branch on, not an error. */
export function skippedItem(ref: ShipmentRef, nextQueryAt: Date): IDataObject {
	const next = nextQueryAt.toISOString();
	return {
		provider: ref.provider,
		carrier: ref.carrier,
		tracking_number: ref.trackingNumber,
		skipped: true,
		status: 'skipped',
		next_query_at: next,
		message: `Not queried: this node queried ${ref.trackingNumber} less than 30 minutes ago, and Kuaidi100 may lock a number queried more often. The next query is allowed from ${next}. Turn "Lockout Guard" off to query anyway.`,
	};
}
