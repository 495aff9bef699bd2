import type { CallSettings } from '../core/call';
import { Kuaidi100Client, type Kuaidi100Config } from '../kuaidi100/client';
import { buildQueryParam } from '../kuaidi100/query-param';
import { KUAIDI100_QUERY_ERRORS } from '../kuaidi100/error-codes';
import type { Kuaidi100QueryParams } from '../kuaidi100/types';
import { normalizeKuaidi100Result } from '../normalize/shipment';
import { SERVICES } from './services';
import { accountLevel, trimmedFields, type ProviderEntry } from './types';

/**
 * resultv2 '0' and an absent resultv2 mean the same to Kuaidi100 (basic detail),
 * so '0' is never sent: nodes and exporter send one request shape for it, the
 * documented default, and its signature covers the same `param` text.
 */
export function resultv2Param(value: string | undefined): string | undefined {
	const text = (value ?? '').trim();
	return text === '' || text === '0' ? undefined : text;
}

// Not the salt: the trigger verifies pushes with it as typed, so Subscribe sends it as typed.
const CREDENTIAL_FIELDS = ['customer', 'key', 'baseUrl', 'autonumberBaseUrl'] as const;

/** The client configuration of a credential (the node's or the exporter's), trimmed. */
export function kuaidi100Config(raw: Record<string, unknown>, settings: CallSettings): Kuaidi100Config {
	const credentials = trimmedFields(raw, CREDENTIAL_FIELDS);
	return {
		customer: credentials.customer ?? '',
		key: credentials.key ?? '',
		baseUrl: credentials.baseUrl,
		autonumberBaseUrl: credentials.autonumberBaseUrl,
		...settings,
	};
}

export const kuaidi100: ProviderEntry<Kuaidi100QueryParams> = {
	...SERVICES.kuaidi100,
	noResultYetCodes: new Set(['500']),
	accountLevelCodes: accountLevel(KUAIDI100_QUERY_ERRORS),
	minQueryIntervalMs: 30 * 60_000,
	lookupParams: (shipment, options = {}) => ({
		com: shipment.carrier,
		num: shipment.trackingNumber,
		phone: shipment.phone || undefined,
		from: shipment.shipFrom || undefined,
		to: shipment.shipTo || undefined,
		resultv2: resultv2Param(options.resultv2 ?? '4'),
		show: '0',
		order: options.order,
		lang: options.lang || undefined,
	}),
	requestText: buildQueryParam,
	credentialFields: ['customer', 'key'],
	credentials: (raw) => trimmedFields(raw, CREDENTIAL_FIELDS),
	lookupClient: (credentials, settings, transport) => {
		const client = new Kuaidi100Client(kuaidi100Config(credentials, settings), transport);
		return async (params, requestText) => await client.query(params, requestText);
	},
	normalize: normalizeKuaidi100Result,
};
