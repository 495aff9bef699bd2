import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { KeyDeliveryRealtimeData } from '../../../src/keydelivery/types';
import { normalizeKeyDeliveryResult, type NormalizedShipment } from '../../../src/normalize/shipment';
import { runItems } from '../../shared/items';
import { openNodeMemory } from '../../shared/nodeMemory';
import { OnlyNewBatch, onlyNewProperties, readMemorySize, readOnlyNewSettings } from '../../shared/onlyNew';
import { readRequestOptions } from '../../shared/options';
import { outputModeProperty, shipmentOutput, type OutputMode } from '../../shared/output';
import { keyDeliveryClient } from '../transport';
import { carrierIdProperty, readTrackingParams, trackingNumberProperty, trackingOptionsProperty } from './common';

const show = { operation: ['getTracking'] };

export const description: INodeProperties[] = [
	...[carrierIdProperty, trackingNumberProperty, outputModeProperty].map((property) => ({ ...property, displayOptions: { show } })),
	...onlyNewProperties(show),
	{ ...trackingOptionsProperty, displayOptions: { show } },
];

/** Real-time tracking: one request per distinct shipment, normalized per the contract. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const onlyNew = readOnlyNewSettings(this);
	const client = await keyDeliveryClient(this, options);
	const batch = onlyNew ? new OnlyNewBatch(openNodeMemory(this, readMemorySize(this), true), onlyNew) : undefined;
	return await runItems<{ raw: KeyDeliveryRealtimeData; shipment: NormalizedShipment }>(
		this,
		(itemIndex) => {
			const params = readTrackingParams(this, itemIndex);
			const mode = this.getNodeParameter('output', itemIndex, 'simplified') as OutputMode;
			return {
				dedupeKey: JSON.stringify(params),
				send: async () => {
					const raw = await client.realtime(params);
					const shipment = normalizeKeyDeliveryResult(raw, {
						source: 'query',
						fetchedAt: new Date(),
						sourceTimeZone: options.sourceTimeZone,
						carrier: params.carrier_id,
						trackingNumber: params.tracking_number,
					});
					return { raw, shipment };
				},
				output: ({ raw, shipment }) => (batch ? batch.output(mode, shipment, raw) : shipmentOutput(mode, shipment, raw)),
			};
		},
		options.concurrency,
		batch ? async (results) => await batch.check(results.map((result) => result.shipment)) : undefined,
	);
}
