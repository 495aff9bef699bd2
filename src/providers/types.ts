import type { HttpTransport } from '../core/http';
import type { CallSettings } from '../core/call';
import type { NormalizeOptions, NormalizedShipment } from '../normalize/shipment';
import type { ServiceFacts } from './services';

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

/** A lookup bound to credentials; `requestText`, when given, is sent as built (not built again). */
export type LookupFunction<Params> = (params: Params, requestText?: string) => Promise<unknown>;

/**
 * Everything that differs between the tracking services, in one entry each, so
 * callers ask the registry instead of branching on the provider. The facts (label,
 * hosts, field words) come from services.ts, the registry's leaf.
 */
export interface ProviderEntry<Params = unknown> extends ServiceFacts {
	/** Codes that mean "queried, no events yet": not a failure. */
	noResultYetCodes: ReadonlySet<string>;
	/** Codes refused for the whole account: every further request would fail the same way. */
	accountLevelCodes: ReadonlySet<string>;
	/** Shortest allowed interval between two queries of one number (0: none). */
	minQueryIntervalMs: number;
	/** The request parameters of a lookup: the nodes and the exporter send the same. */
	lookupParams(shipment: ShipmentLookup, options?: LookupOptions): Params;
	/**
	 * The exact text the service receives for these parameters (Kuaidi100's `param`,
	 * KeyDelivery's JSON body). Identical texts are one request: it is the request key.
	 */
	requestText(params: Params): string;
	/** The credential fields a lookup needs (the exporter names their settings when one is missing). */
	credentialFields: readonly string[];
	/** Credential values as the client uses them: text, trimmed (pasted values often carry a space). */
	credentials(raw: Record<string, unknown>): ServiceCredentials;
	/** A lookup function bound to credentials and an endpoint (`baseUrl`). */
	lookupClient(credentials: ServiceCredentials, settings: CallSettings, transport: HttpTransport): LookupFunction<Params>;
	/** The service's reply through the shared normalizer. */
	normalize(reply: unknown, options: NormalizeOptions): NormalizedShipment;
}

/** The codes an error table marks fatal (account-level). */
export function accountLevel(table: Record<string, { fatal?: boolean }>): ReadonlySet<string> {
	return new Set(Object.entries(table).filter(([, explanation]) => explanation.fatal).map(([code]) => code));
}

/** Each named field as trimmed text; absent, empty or blank fields are left out. */
export function trimmedFields(raw: Record<string, unknown>, fields: readonly string[]): ServiceCredentials {
	const result: ServiceCredentials = {};
	for (const field of fields) {
		const text = raw[field] === undefined || raw[field] === null ? '' : String(raw[field]).trim();
		if (text) result[field] = text;
	}
	return result;
}
