import { KeyDeliveryClient } from '../keydelivery/client';
import { KEYDELIVERY_ERRORS } from '../keydelivery/errors';
import type { KeyDeliveryTrackingParams } from '../keydelivery/types';
import { normalizeKeyDeliveryResult } from '../normalize/shipment';
import { accountLevel, type ProviderEntry } from './types';

export const keydelivery: ProviderEntry<KeyDeliveryTrackingParams> = {
	id: 'keydelivery',
	label: 'KeyDelivery',
	noResultYetCodes: new Set(['60101']),
	accountLevelCodes: accountLevel(KEYDELIVERY_ERRORS),
	minQueryIntervalMs: 0,
	lookupParams: (shipment, options = {}) => ({
		carrier_id: shipment.carrier,
		tracking_number: shipment.trackingNumber,
		phone: shipment.phone || undefined,
		ship_from: shipment.shipFrom || undefined,
		ship_to: shipment.shipTo || undefined,
		area_show: options.areaShow === false ? 0 : 1,
		order: options.order,
	}),
	credentialFields: ['apiKey', 'secret'],
	lookupClient: (credentials, settings, transport) => {
		const client = new KeyDeliveryClient(
			{
				apiKey: credentials.apiKey ?? '',
				secret: credentials.secret ?? '',
				...(credentials.baseUrl ? { baseUrl: credentials.baseUrl } : {}),
				...settings,
			},
			transport,
		);
		return async (params) => await client.realtime(params);
	},
	normalize: normalizeKeyDeliveryResult,
};
