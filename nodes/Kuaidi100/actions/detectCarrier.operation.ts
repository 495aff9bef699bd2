import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { trackingNumberProblem } from '../../../src/core/validation';
import type { Kuaidi100CarrierCandidate } from '../../../src/kuaidi100/types';
import { InputError } from '../../shared/errors';
import { runItems } from '../../shared/items';
import { readRequestOptions } from '../../shared/options';
import { kuaidi100Client } from '../transport';
import { trackingNumberProperty } from './common';

export const description: INodeProperties[] = [
	{ ...trackingNumberProperty, displayOptions: { show: { operation: ['detectCarrier'] } } },
];

/** Carrier auto-detection: candidates most likely first; `carrier` is the best guess. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const { client } = await kuaidi100Client(this, options);
	return await runItems<Kuaidi100CarrierCandidate[]>(
		this,
		(itemIndex) => {
			const number = String(this.getNodeParameter('trackingNumber', itemIndex, '')).trim();
			const problem = trackingNumberProblem(number);
			if (problem) throw new InputError(problem);
			return {
				dedupeKey: number,
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
