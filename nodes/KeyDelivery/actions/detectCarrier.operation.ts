import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { KeyDeliveryCarrierCandidate } from '../../../src/keydelivery/types';
import { runItems } from '../../item-runner/run-items';
import { readRequestOptions } from '../../parameters/request-options';
import { readTrackingNumber, trackingNumberProperty } from '../../parameters/shipment-fields';
import { keyDeliveryClient } from '../transport';

export const description: INodeProperties[] = [
	{ ...trackingNumberProperty('keydelivery'), displayOptions: { show: { operation: ['detectCarrier'] } } },
];

/** Carrier detection: candidates most likely first (not guaranteed); `carrier_id` is the best guess. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const client = await keyDeliveryClient(this, options);
	return await runItems<KeyDeliveryCarrierCandidate[]>(
		this,
		(itemIndex) => {
			const trackingNumber = readTrackingNumber(this, itemIndex, 'keydelivery');
			return {
				requestKey: trackingNumber,
				send: async () => await client.detectCarrier(trackingNumber),
				output: (candidates) => [
					{
						tracking_number: trackingNumber,
						carrier_id: candidates[0]?.carrier_id ?? null,
						carrier_name: candidates[0]?.carrier_name ?? null,
						candidates: candidates.map((c) => ({ carrier_id: c.carrier_id, carrier_name: c.carrier_name })),
					},
				],
			};
		},
		options.concurrency,
	);
}
