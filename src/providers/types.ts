import type { Provider } from '../core/errors';
import type { HttpTransport } from '../core/http';
import type { CallSettings } from '../core/call';
import type { NormalizeOptions, NormalizedShipment } from '../normalize/shipment';

/** One shipment to look up, in the words every caller shares. */
export interface ShipmentLookup {
	carrier: string;
	trackingNumber: string;
	phone?: string;
	shipFrom?: string;
	shipTo?: string;
}

/** Settings of one service that change the request (not the credentials). */
export interface LookupOptions {
	/** Kuaidi100 status detail ('0' basic .. '8'). */
	resultv2?: string;
	lang?: string;
	order?: 'desc' | 'asc';
	/** KeyDelivery: items with status code, location and area (default on). */
	areaShow?: boolean;
}

/** Credentials and endpoint of one service, as the exporter's config holds them. */
export type ServiceCredentials = Record<string, string | undefined>;

/**
 * Everything that differs between the tracking services, in one entry each, so
 * callers ask the registry instead of branching on the provider.
 */
export interface ProviderEntry<Params = unknown> {
	id: Provider;
	label: string;
	/** Codes that mean "queried, no events yet": not a failure. */
	noResultYetCodes: ReadonlySet<string>;
	/** Codes refused for the whole account: every further request would fail the same way. */
	accountLevelCodes: ReadonlySet<string>;
	/** Shortest allowed interval between two queries of one number (0: none). */
	minQueryIntervalMs: number;
	/** The request parameters of a lookup: the nodes and the exporter send the same. */
	lookupParams(shipment: ShipmentLookup, options?: LookupOptions): Params;
	/** The credential fields a lookup needs (the exporter names their settings when one is missing). */
	credentialFields: readonly string[];
	/** A lookup function bound to credentials and an endpoint (`baseUrl`). */
	lookupClient(credentials: ServiceCredentials, settings: CallSettings, transport: HttpTransport): (params: Params) => Promise<unknown>;
	/** The service's reply through the shared normalizer. */
	normalize(reply: unknown, options: NormalizeOptions): NormalizedShipment;
}

/** The codes an error table marks fatal (account-level). */
export function accountLevel(table: Record<string, { fatal?: boolean }>): ReadonlySet<string> {
	return new Set(Object.entries(table).filter(([, explanation]) => explanation.fatal).map(([code]) => code));
}
