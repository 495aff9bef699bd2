import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { Kuaidi100CarrierCandidate } from '../../../src/kuaidi100/types';
import { runItems } from '../../item-runner/run-items';
import { readRequestOptions } from '../../parameters/request-options';
import { readTrackingNumber, trackingNumberProperty } from '../../parameters/shipment-fields';
import { kuaidi100Client } from '../transport';

export const description: INodeProperties[] = [
	{ ...trackingNumberProperty('kuaidi100'), displayOptions: { show: { operation: ['detectCarrier'] } } },
];

/** Carrier auto-detection: candidates most likely first; `carrier` is the best guess. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const { client } = await kuaidi100Client(this, options);
	return await runItems<Kuaidi100CarrierCandidate[]>(
		this,
		(itemIndex) => {
			const number = readTrackingNumber(this, itemIndex, 'kuaidi100');
			return {
				requestKey: number,
				send: async () => await client.detectCarrier(number),
				output: (candidates) => [
					{
						tracking_number: number,
						carrier: candidates[0]?.comCode ?? null,
						carrier_name: candidates[0]?.name ?? null,
						candidates: candidates.map((c) => ({ carrier: c.comCode, name: c.name })),
					},
				],
			};
		},
		options.concurrency,
	);
}
