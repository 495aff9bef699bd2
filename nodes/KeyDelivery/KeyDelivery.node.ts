import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import * as createTracking from './actions/createTracking.operation';
import * as detectCarrier from './actions/detectCarrier.operation';
import * as getTracking from './actions/getTracking.operation';
import { router } from './actions/router';
import { keyDeliveryApiTest } from './methods/credentialTest';
import { requestOptionsCollection } from '../parameters/request-options';

export class KeyDelivery implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'KeyDelivery',
		name: 'keyDelivery',
		icon: { light: 'file:keyDelivery.svg', dark: 'file:keyDelivery.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ {"createTracking": "Create Tracking", "getTracking": "Get Tracking", "detectCarrier": "Detect Carrier"}[$parameter["operation"]] + ($parameter["trackingNumber"] ? ": " + $parameter["trackingNumber"] : "") }}',
		description: 'Track parcels worldwide (USPS, DHL, UPS, Royal Mail and more) with KeyDelivery',
		documentationUrl: 'https://github.com/n8n-nodes-kuaidi100/n8n-nodes-kuaidi100#keydelivery-node',
		defaults: { name: 'KeyDelivery' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'keyDeliveryApi', required: true, testedBy: 'keyDeliveryApiTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'getTracking',
				options: [
					{
						name: 'Create Tracking',
						value: 'createTracking',
						action: 'Create a tracking with a webhook',
						description: 'Have KeyDelivery post every status change to a webhook URL',
					},
					{
						name: 'Detect Carrier',
						value: 'detectCarrier',
						action: 'Detect the carrier of a tracking number',
						description: 'Guess the carrier ID from the tracking number',
					},
					{
						name: 'Get Tracking',
						value: 'getTracking',
						action: 'Get the tracking of a shipment in real time',
						description: 'Get the current status and events of a shipment',
					},
				],
			},
			...createTracking.description,
			...getTracking.description,
			...detectCarrier.description,
			requestOptionsCollection,
		],
	};

	methods = {
		credentialTest: { keyDeliveryApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
