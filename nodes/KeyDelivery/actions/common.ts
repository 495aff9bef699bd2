import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { keydelivery } from '../../../src/providers/keydelivery';
import { prepareLookup, type PreparedLookup } from '../../../src/providers/prepare';
import type { KeyDeliveryTrackingParams } from '../../../src/keydelivery/types';
import { InputError } from '../../item-runner/item-errors';
import { eventOrderProperty } from '../../parameters/request-options';

export const carrierIdProperty: INodeProperties = {
	displayName: 'Carrier ID',
	name: 'carrierId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'usps',
	description: 'KeyDelivery carrier ID, lower case (e.g. usps, dhl, ups, royalmail). Unsure? Use Detect Carrier first.',
};

export const trackingOptionsProperty: INodeProperties = {
	displayName: 'Tracking Options',
	name: 'trackingOptions',
	type: 'collection',
	placeholder: 'Add Tracking Option',
	default: {},
	options: [
		{
			displayName: 'Area Detail',
			name: 'areaShow',
			type: 'boolean',
			default: true,
			description: 'Whether events carry their status code and description, location and area name (needed for precise milestones)',
		},
		eventOrderProperty,
		{
			displayName: 'Phone',
			name: 'phone',
			type: 'string',
			default: '',
			description: "Sender's or recipient's phone number; some carriers require it",
		},
		{ displayName: 'Ship From', name: 'shipFrom', type: 'string', default: '', placeholder: 'Toronto, Canada', description: 'Sender city' },
		{
			displayName: 'Ship To',
			name: 'shipTo',
			type: 'string',
			default: '',
			placeholder: 'Los Angeles, CA, United States',
			description: 'Recipient city; tracking is checked more often once the parcel arrives there',
		},
	],
};

/** Reads and checks one item's lookup (parameters and request text); throws InputError before any request. */
export function readTrackingParams(ctx: IExecuteFunctions, itemIndex: number): PreparedLookup<KeyDeliveryTrackingParams> {
	const carrierId = String(ctx.getNodeParameter('carrierId', itemIndex, '')).trim();
	const trackingNumber = String(ctx.getNodeParameter('trackingNumber', itemIndex, '')).trim();
	// Expressions may give numbers (a phone or a postal code from the input JSON): read as text.
	const options = ctx.getNodeParameter('trackingOptions', itemIndex, {}) as {
		areaShow?: boolean;
		order?: 'desc' | 'asc';
		phone?: unknown;
		shipFrom?: unknown;
		shipTo?: unknown;
	};
	const shipment = {
		carrier: carrierId,
		trackingNumber,
		phone: optionalText(options.phone),
		shipFrom: optionalText(options.shipFrom),
		shipTo: optionalText(options.shipTo),
	};
	// The one shipment rule and the registry's parameters, as in the exporter.
	const lookup = prepareLookup(keydelivery, shipment, { areaShow: options.areaShow !== false, order: options.order });
	if ('problem' in lookup) throw new InputError(lookup.problem);
	return lookup;
}

/** A trimmed text option, or undefined when it is missing or blank. */
function optionalText(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	return String(value).trim() || undefined;
}
