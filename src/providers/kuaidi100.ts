import { Kuaidi100Client } from '../kuaidi100/client';
import { KUAIDI100_QUERY_ERRORS } from '../kuaidi100/errors';
import type { Kuaidi100QueryParams } from '../kuaidi100/types';
import { normalizeKuaidi100Result } from '../normalize/shipment';
import { accountLevel, type ProviderEntry } from './types';

/**
 * resultv2 '0' and an absent resultv2 mean the same to Kuaidi100 (basic detail),
 * so '0' is never sent: nodes and exporter send one request shape for it, the
 * documented default, and its signature covers the same `param` text.
 */
export function resultv2Param(value: string | undefined): string | undefined {
	const text = (value ?? '').trim();
	return text === '' || text === '0' ? undefined : text;
}

export const kuaidi100: ProviderEntry<Kuaidi100QueryParams> = {
	id: 'kuaidi100',
	label: 'Kuaidi100',
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
	credentialFields: ['customer', 'key'],
	lookupClient: (credentials, settings, transport) => {
		const client = new Kuaidi100Client(
			{
				customer: credentials.customer ?? '',
				key: credentials.key ?? '',
				...(credentials.baseUrl ? { baseUrl: credentials.baseUrl } : {}),
				...settings,
			},
			transport,
		);
		return async (params) => await client.query(params);
	},
	normalize: normalizeKuaidi100Result,
};
