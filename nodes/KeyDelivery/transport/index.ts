import type { IExecuteFunctions } from 'n8n-workflow';
import type { CallSettings } from '../../../src/core/call';
import { KeyDeliveryClient } from '../../../src/keydelivery/client';
import { keyDeliveryConfig } from '../../../src/providers/keydelivery';
import { n8nTransport } from '../../http/n8n-transport';

/** A client whose requests go through n8n's HTTP helper, with the node's credential. */
export async function keyDeliveryClient(ctx: IExecuteFunctions, settings: CallSettings): Promise<KeyDeliveryClient> {
	const credentials = await ctx.getCredentials('keyDeliveryApi');
	const transport = n8nTransport(async (options) => await ctx.helpers.httpRequest(options));
	return new KeyDeliveryClient(keyDeliveryConfig(credentials, settings), transport);
}
