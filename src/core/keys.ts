/**
 * The one home of the key formats that the trigger, the nodes' "only new" memory
 * and the exporter share. Downstream steps (a Redis INCR, a warehouse MERGE)
 * depend on them, so they change only with a major version.
 */

/** 16 hex digits (64 bits) of the SHA-256 event_id tell events of one shipment apart. */
export const EVENT_ID_PREFIX_LENGTH = 16;

export function eventIdPrefix(eventId: string): string {
	return eventId.slice(0, EVENT_ID_PREFIX_LENGTH);
}

/** `provider:carrier:tracking_number`: one shipment, whichever node, trigger or run saw it. */
export function shipmentKey(provider: string, carrier: string, trackingNumber: string): string {
	return `${provider}:${carrier}:${trackingNumber}`;
}

/**
 * Stable key of "this shipment reached this milestone": the same for every push,
 * query, process and execution that sees it, so a downstream atomic step (e.g.
 * Redis INCR) lets exactly one of them through.
 */
export function milestoneDedupKey(provider: string, carrier: string, trackingNumber: string, milestone: string): string {
	return `${shipmentKey(provider, carrier, trackingNumber)}:milestone:${milestone}`;
}

/** Stable key of one event (its full event_id is already unique and stable). */
export function eventDedupKey(eventId: string): string {
	return `event:${eventId}`;
}

/** Stable key of "this shipment's push status became this" (a push with no new event, e.g. abort). */
export function pushStatusDedupKey(provider: string, carrier: string, trackingNumber: string, pushStatus: string): string {
	return `${shipmentKey(provider, carrier, trackingNumber)}:push_status:${pushStatus}`;
}

/**
 * The lockout guard's record that a node queried a shipment during 30-minute window
 * `window` (ms since the epoch / 30 min). Windows, not times: n8n's deduplication
 * store keeps only hashes of keys, so the time has to be part of the key.
 */
export function queryWindowKey(provider: string, carrier: string, trackingNumber: string, window: number): string {
	return `${shipmentKey(provider, carrier, trackingNumber)}:queried:${window}`;
}
