import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { carrierCodeProblem, httpUrlProblem, trackingNumberProblem } from '../../../src/core/validation';
import type { Kuaidi100SubscribeParams, Kuaidi100SubscribeResult } from '../../../src/kuaidi100/types';
import { resultv2Param } from '../../../src/providers/kuaidi100';
import { InputError } from '../../shared/errors';
import { runItems } from '../../shared/items';
import { readRequestOptions } from '../../shared/options';
import { kuaidi100Client } from '../transport';
import { statusDetailProperty, trackingNumberProperty } from './common';

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
	{ ...trackingNumberProperty, displayOptions: { show } },
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
			{
				displayName: 'Salt',
				name: 'salt',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					"Secret Kuaidi100 signs each push with. Leave empty to use the credential's Salt, which the Tracking Webhook Trigger verifies.",
			},
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

/** Push subscription: Kuaidi100 then posts every status change to the callback URL. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const { client, credentials } = await kuaidi100Client(this, options);
	return await runItems<Kuaidi100SubscribeResult>(
		this,
		(itemIndex) => {
			const company = String(this.getNodeParameter('carrierCode', itemIndex, '')).trim();
			const number = String(this.getNodeParameter('trackingNumber', itemIndex, '')).trim();
			const callbackUrl = String(this.getNodeParameter('callbackUrl', itemIndex, '')).trim();
			const extra = this.getNodeParameter('subscribeOptions', itemIndex, {}) as SubscribeOptions;
			const problem =
				(extra.autoCom && !company ? undefined : carrierCodeProblem(company)) ??
				trackingNumberProblem(number) ??
				httpUrlProblem(callbackUrl, 'Callback URL');
			if (problem) throw new InputError(problem);
			const salt = extra.salt || credentials.salt || undefined;
			const params: Kuaidi100SubscribeParams = {
				company,
				number,
				callbackUrl,
				salt,
				resultv2: resultv2Param(extra.resultv2 ?? '4'),
				autoCom: extra.autoCom,
				interCom: extra.interCom,
				departureCom: extra.departureCom,
				departureCountry: extra.departureCountry,
				destinationCom: extra.destinationCom,
				destinationCountry: extra.destinationCountry,
				from: extra.from,
				to: extra.to,
				phone: extra.phone,
			};
			return {
				dedupeKey: JSON.stringify(params),
				send: async () => await client.subscribe(params),
				output: (result) => [
					{
						subscribed: true,
						already_subscribed: result.alreadySubscribed,
						carrier: company,
						tracking_number: number,
						callback_url: callbackUrl,
						signed_pushes: Boolean(salt),
						return_code: result.returnCode,
						message: result.message,
					},
				],
			};
		},
		options.concurrency,
	);
}
