import type { CallSettings } from '../core/call';
import { KeyDeliveryClient, type KeyDeliveryConfig } from '../keydelivery/client';
import { keyDeliveryBody } from '../keydelivery/request-body';
import { KEYDELIVERY_ERRORS } from '../keydelivery/error-codes';
import type { KeyDeliveryTrackingParams } from '../keydelivery/types';
import { normalizeKeyDeliveryResult } from '../normalize/shipment';
import { SERVICES } from './services';
import { accountLevel, trimmedFields, type ProviderEntry } from './types';

const CREDENTIAL_FIELDS = ['apiKey', 'secret', 'baseUrl'] as const;

/** The client configuration of a credential (the node's or the exporter's), trimmed. */
export function keyDeliveryConfig(raw: Record<string, unknown>, settings: CallSettings): KeyDeliveryConfig {
	const credentials = trimmedFields(raw, CREDENTIAL_FIELDS);
	return { apiKey: credentials.apiKey ?? '', secret: credentials.secret ?? '', baseUrl: credentials.baseUrl, ...settings };
}

export const keydelivery: ProviderEntry<KeyDeliveryTrackingParams> = {
	...SERVICES.keydelivery,
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
	requestText: keyDeliveryBody,
	credentialFields: ['apiKey', 'secret'],
	credentials: (raw) => trimmedFields(raw, CREDENTIAL_FIELDS),
	lookupClient: (credentials, settings, transport) => {
		const client = new KeyDeliveryClient(keyDeliveryConfig(credentials, settings), transport);
		return async (params, requestText) => await client.realtime(params, requestText);
	},
	normalize: normalizeKeyDeliveryResult,
};
