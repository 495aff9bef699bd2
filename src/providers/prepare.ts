import { shipmentProblem, type ShipmentFields } from '../core/validation';
import type { LookupOptions, ProviderEntry, ShipmentLookup } from './types';

/** A lookup checked and built once: its parameters and the exact text the service receives (the request key). */
export interface PreparedLookup<Params> {
	params: Params;
	requestText: string;
}

/**
 * The one way from a shipment to a request: the shipment rule, then the entry's
 * parameters and their request text. Returns the problem (what to fix) instead of a
 * request when the shipment breaks the rule.
 */
export function prepareLookup<Params>(
	entry: ProviderEntry<Params>,
	shipment: ShipmentLookup,
	options?: LookupOptions,
	where?: ShipmentFields,
): PreparedLookup<Params> | { problem: string } {
	const problem = shipmentProblem({ provider: entry.id, ...shipment }, where);
	if (problem) return { problem };
	const params = entry.lookupParams(shipment, options);
	return { params, requestText: entry.requestText(params) };
}
