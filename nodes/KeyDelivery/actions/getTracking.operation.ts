import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { KeyDeliveryRealtimeData } from '../../../src/keydelivery/types';
import { normalizeKeyDeliveryResult } from '../../../src/normalize/shipment';
import { runItems } from '../../shared/items';
import { readRequestOptions } from '../../shared/options';
import { outputModeProperty, shipmentOutput, type OutputMode } from '../../shared/output';
import { keyDeliveryClient } from '../transport';
import { carrierIdProperty, readTrackingParams, trackingNumberProperty, trackingOptionsProperty } from './common';

const show = { operation: ['getTracking'] };

export const description: INodeProperties[] = [
	carrierIdProperty,
	trackingNumberProperty,
	outputModeProperty,
	trackingOptionsProperty,
].map((property) => ({ ...property, displayOptions: { show } }));

/** Real-time tracking: one request per distinct shipment, normalized per the contract. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const client = await keyDeliveryClient(this, options);
	return await runItems<{ raw: KeyDeliveryRealtimeData; fetchedAt: Date }>(
		this,
		(itemIndex) => {
			const params = readTrackingParams(this, itemIndex);
			const mode = this.getNodeParameter('output', itemIndex, 'simplified') as OutputMode;
			return {
				dedupeKey: JSON.stringify(params),
				send: async () => ({ raw: await client.realtime(params), fetchedAt: new Date() }),
				output: ({ raw, fetchedAt }) => {
					const shipment = normalizeKeyDeliveryResult(raw, {
						source: 'query',
						fetchedAt,
						sourceTimeZone: options.sourceTimeZone,
						carrier: params.carrier_id,
						trackingNumber: params.tracking_number,
					});
					return shipmentOutput(mode, shipment, raw);
				},
			};
		},
		options.concurrency,
	);
}
