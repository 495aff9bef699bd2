import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { KeyDeliveryRealtimeData } from '../../../src/keydelivery/types';
import type { NormalizedShipment } from '../../../src/normalize/shipment';
import { keydelivery } from '../../../src/providers/keydelivery';
import { runItems } from '../../item-runner/run-items';
import { openNodeMemory } from '../../node-memory/key-memory';
import { OnlyNewBatch, onlyNewProperties, readMemorySize, readOnlyNewSettings } from '../../only-new/only-new';
import { outputModeProperty, shipmentOutput, type OutputMode } from '../../parameters/output-mode';
import { readRequestOptions } from '../../parameters/request-options';
import { trackingNumberProperty } from '../../parameters/shipment-fields';
import { keyDeliveryClient } from '../transport';
import { carrierIdProperty, readTrackingParams, trackingOptionsProperty } from './common';

const show = { operation: ['getTracking'] };

export const description: INodeProperties[] = [
	...[carrierIdProperty, trackingNumberProperty('keydelivery'), outputModeProperty].map((property) => ({ ...property, displayOptions: { show } })),
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
			const { params, requestText } = readTrackingParams(this, itemIndex);
			const mode = this.getNodeParameter('output', itemIndex, 'simplified') as OutputMode;
			return {
				requestKey: requestText,
				send: async () => {
					const raw = await client.realtime(params, requestText);
					const shipment = keydelivery.normalize(raw, {
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
