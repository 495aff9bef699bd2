import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { trackingNumberProblem } from '../../src/core/validation';
import { SERVICES, type Provider } from '../../src/providers/services';
import { InputError } from '../item-runner/item-errors';

/** The Tracking Number field of a service's node (its length rule from the registry). */
export function trackingNumberProperty(provider: Provider): INodeProperties {
	const { trackingNumberExample, trackingNumberLength } = SERVICES[provider];
	return {
		displayName: 'Tracking Number',
		name: 'trackingNumber',
		type: 'string',
		default: '',
		required: true,
		placeholder: trackingNumberExample,
		description: `The waybill number, ${trackingNumberLength.min} to ${trackingNumberLength.max} characters`,
	};
}

/** One item's tracking number, trimmed and checked; throws InputError before any request. */
export function readTrackingNumber(ctx: IExecuteFunctions, itemIndex: number, provider: Provider): string {
	const trackingNumber = String(ctx.getNodeParameter('trackingNumber', itemIndex, '')).trim();
	const problem = trackingNumberProblem(trackingNumber, SERVICES[provider].trackingNumberLength);
	if (problem) throw new InputError(problem);
	return trackingNumber;
}
