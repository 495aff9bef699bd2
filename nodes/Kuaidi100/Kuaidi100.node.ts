import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import * as detectCarrier from './actions/detectCarrier.operation';
import * as query from './actions/query.operation';
import { router } from './actions/router';
import * as subscribe from './actions/subscribe.operation';
import { kuaidi100ApiTest } from './methods/credentialTest';
import { requestOptionsCollection } from '../parameters/request-options';

export class Kuaidi100 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kuaidi100',
		name: 'kuaidi100',
		icon: { light: 'file:kuaidi100.svg', dark: 'file:kuaidi100.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ {"query": "Query", "subscribe": "Subscribe", "detectCarrier": "Detect Carrier", "getMapTrack": "Get Map Track"}[$parameter["operation"]] + ($parameter["trackingNumber"] ? ": " + $parameter["trackingNumber"] : "") }}',
		description: 'Track parcels of Chinese carriers with Kuaidi100: real-time query, push subscription, carrier detection',
		documentationUrl: 'https://github.com/n8n-nodes-kuaidi100/n8n-nodes-kuaidi100#kuaidi100-node',
		defaults: { name: 'Kuaidi100' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kuaidi100Api', required: true, testedBy: 'kuaidi100ApiTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'query',
				options: [
					{
						name: 'Detect Carrier',
						value: 'detectCarrier',
						action: 'Detect the carrier of a tracking number',
						description: 'Guess the carrier code from the tracking number (paid accounts)',
					},
					{
						name: 'Get Map Track',
						value: 'getMapTrack',
						action: 'Get the map track of a shipment',
						description: 'Real-time query plus a map page URL and route',
					},
					{
						name: 'Query',
						value: 'query',
						action: 'Query a shipment in real time',
						description: 'Get the current status and events of a shipment',
					},
					{
						name: 'Subscribe',
						value: 'subscribe',
						action: 'Subscribe to push updates of a shipment',
						description: 'Have Kuaidi100 push every status change to a callback URL',
					},
				],
			},
			...query.description,
			...subscribe.description,
			...detectCarrier.description,
			requestOptionsCollection,
		],
	};

	methods = {
		credentialTest: { kuaidi100ApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
