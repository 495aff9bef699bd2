import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { httpUrlProblem } from '../../../src/core/validation';
import type { KeyDeliveryCreateParams, KeyDeliveryCreateResult } from '../../../src/keydelivery/types';
import { InputError } from '../../item-runner/item-errors';
import { runItems } from '../../item-runner/run-items';
import { readRequestOptions } from '../../parameters/request-options';
import { trackingNumberProperty } from '../../parameters/shipment-fields';
import { keyDeliveryClient } from '../transport';
import { carrierIdProperty, readTrackingParams, trackingOptionsProperty } from './common';

const show = { operation: ['createTracking'] };

export const description: INodeProperties[] = [
	{ ...carrierIdProperty, displayOptions: { show } },
	{ ...trackingNumberProperty('keydelivery'), displayOptions: { show } },
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://n8n.example.com/webhook/…/keydelivery?token=…',
		description:
			'Where KeyDelivery posts updates: the production URL of a Tracking Webhook Trigger, with its secret token',
		displayOptions: { show },
	},
	{ ...trackingOptionsProperty, displayOptions: { show } },
];

/** Create tracking: KeyDelivery then posts every status change to the webhook URL. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const client = await keyDeliveryClient(this, options);
	return await runItems<KeyDeliveryCreateResult>(
		this,
		(itemIndex) => {
			const { params } = readTrackingParams(this, itemIndex);
			const webhookUrl = String(this.getNodeParameter('webhookUrl', itemIndex, '')).trim();
			const problem = httpUrlProblem(webhookUrl, 'Webhook URL');
			if (problem) throw new InputError(problem);
			const request: KeyDeliveryCreateParams = { ...params, webhook_url: webhookUrl };
			return {
				requestKey: JSON.stringify(request),
				send: async () => await client.createTracking(request),
				output: (result) => [
					{
						created: !result.alreadyExists,
						alreadyExists: result.alreadyExists,
						carrier_id: params.carrier_id,
						tracking_number: params.tracking_number,
						webhook_url: webhookUrl,
						code: result.code,
						message: result.message,
					},
				],
			};
		},
		options.concurrency,
	);
}
