import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { NormalizedShipment } from '../../src/normalize/shipment';

export type OutputMode = 'simplified' | 'events' | 'raw';

export const outputModeProperty: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	default: 'simplified',
	options: [
		{
			name: 'Simplified',
			value: 'simplified',
			description: 'One item per shipment: its normalized status with its normalized events',
		},
		{
			name: 'Events',
			value: 'events',
			description: 'One item per normalized event, ready for a spreadsheet or database node',
		},
		{
			name: 'Raw',
			value: 'raw',
			description: "The service's reply, untouched",
		},
	],
};

/** The output items of one shipment lookup in the chosen mode. */
export function shipmentOutput(
	mode: OutputMode,
	shipment: NormalizedShipment,
	raw: unknown,
	extra: IDataObject = {},
): IDataObject[] {
	if (mode === 'raw') return [raw as IDataObject];
	if (mode === 'events') return shipment.events as unknown as IDataObject[];
	return [{ ...(shipment as unknown as IDataObject), ...extra }];
}
