import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { carrierCodeProblem, httpUrlProblem } from '../../../src/core/validation';
import type { Kuaidi100SubscribeParams, Kuaidi100SubscribeResult } from '../../../src/kuaidi100/types';
import { resultv2Param } from '../../../src/providers/kuaidi100';
import { InputError } from '../../item-runner/item-errors';
import { runItems } from '../../item-runner/run-items';
import { readRequestOptions } from '../../parameters/request-options';
import { saltProperty } from '../../parameters/push-salt';
import { readTrackingNumber, trackingNumberProperty } from '../../parameters/shipment-fields';
import { kuaidi100Client } from '../transport';
import { statusDetailProperty } from './common';

const show = { operation: ['subscribe'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Carrier Code',
		name: 'carrierCode',
		type: 'string',
		default: '',
		placeholder: 'yuantong',
		description: 'Kuaidi100 carrier code, lower case. May be left empty when "Auto-Detect Carrier" is on.',
		displayOptions: { show },
	},
	{ ...trackingNumberProperty('kuaidi100'), displayOptions: { show } },
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://n8n.example.com/webhook/…/kuaidi100?orderId=1001',
		description:
			'Where Kuaidi100 pushes updates: the production URL of a Tracking Webhook Trigger. Query parameters you add (e.g. an order ID) come back with every push.',
		displayOptions: { show },
	},
	{
		displayName: 'Subscribe Options',
		name: 'subscribeOptions',
		type: 'collection',
		placeholder: 'Add Subscribe Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Auto-Detect Carrier',
				name: 'autoCom',
				type: 'boolean',
				default: false,
				description: 'Whether Kuaidi100 should detect (and correct) the carrier itself',
			},
			{ displayName: 'Departure Carrier', name: 'departureCom', type: 'string', default: '', description: 'International shipments: carrier code in the departure country' },
			{ displayName: 'Departure Country', name: 'departureCountry', type: 'string', default: '', description: 'International shipments: departure country code, e.g. CN' },
			{ displayName: 'Destination Carrier', name: 'destinationCom', type: 'string', default: '', description: 'International shipments: carrier code in the destination country' },
			{ displayName: 'Destination Country', name: 'destinationCountry', type: 'string', default: '', description: 'International shipments: destination country code, e.g. US' },
			{ displayName: 'From', name: 'from', type: 'string', default: '', description: 'Departure city' },
			{
				displayName: 'International',
				name: 'interCom',
				type: 'boolean',
				default: false,
				description: 'Whether this is an international shipment (enables the departure and destination fields)',
			},
			{
				displayName: 'Phone',
				name: 'phone',
				type: 'string',
				default: '',
				description: "Sender's or recipient's phone number, or its last 4 digits. Required for SF Express.",
			},
			saltProperty("Secret Kuaidi100 signs each push with. Leave empty to use the credential's Salt, which the Tracking Webhook Trigger verifies."),
			{ ...statusDetailProperty, description: 'How much status detail each push carries (resultv2)' },
			{ displayName: 'To', name: 'to', type: 'string', default: '', description: 'Destination city' },
		],
	},
];

interface SubscribeOptions {
	autoCom?: boolean;
	interCom?: boolean;
	departureCom?: string;
	departureCountry?: string;
	destinationCom?: string;
	destinationCountry?: string;
	from?: string;
	to?: string;
	phone?: string;
	salt?: string;
	resultv2?: string;
}

/** One item's subscription, read and checked; throws InputError before any request. */
function readSubscription(ctx: IExecuteFunctions, itemIndex: number, credentialSalt: string | undefined): Kuaidi100SubscribeParams {
	const company = String(ctx.getNodeParameter('carrierCode', itemIndex, '')).trim();
	const extra = ctx.getNodeParameter('subscribeOptions', itemIndex, {}) as SubscribeOptions;
	const carrierProblem = extra.autoCom && !company ? undefined : carrierCodeProblem(company);
	if (carrierProblem) throw new InputError(carrierProblem);
	const number = readTrackingNumber(ctx, itemIndex, 'kuaidi100');
	const callbackUrl = String(ctx.getNodeParameter('callbackUrl', itemIndex, '')).trim();
	const urlProblem = httpUrlProblem(callbackUrl, 'Callback URL');
	if (urlProblem) throw new InputError(urlProblem);
	const { salt, resultv2, ...rest } = extra;
	return { ...rest, company, number, callbackUrl, salt: salt || credentialSalt, resultv2: resultv2Param(resultv2 ?? '4') };
}

function subscribedItem(params: Kuaidi100SubscribeParams, result: Kuaidi100SubscribeResult): IDataObject {
	return {
		subscribed: true,
		already_subscribed: result.alreadySubscribed,
		carrier: params.company,
		tracking_number: params.number,
		callback_url: params.callbackUrl,
		signed_pushes: Boolean(params.salt),
		return_code: result.returnCode,
		message: result.message,
	};
}

/** Push subscription: Kuaidi100 then posts every status change to the callback URL. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const { client, salt } = await kuaidi100Client(this, options);
	return await runItems<Kuaidi100SubscribeResult>(
		this,
		(itemIndex) => {
			const params = readSubscription(this, itemIndex, salt);
			return {
				requestKey: JSON.stringify(params),
				send: async () => await client.subscribe(params),
				output: (result) => [subscribedItem(params, result)],
			};
		},
		options.concurrency,
	);
}
