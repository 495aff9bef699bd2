import type { IExecuteFunctions } from 'n8n-workflow';
import type { CallSettings } from '../../../src/core/call';
import { KeyDeliveryClient } from '../../../src/keydelivery/client';
import { keyDeliveryConfig } from '../../../src/providers/keydelivery';
import { n8nTransport } from '../../http/n8n-transport';

/** A client whose requests n8n sends with the node's credential (its `authenticate` signs them). */
export async function keyDeliveryClient(ctx: IExecuteFunctions, settings: CallSettings): Promise<KeyDeliveryClient> {
	const credentials = await ctx.getCredentials('keyDeliveryApi');
	const config = { ...keyDeliveryConfig(credentials, settings), signedByTransport: true };
	return new KeyDeliveryClient(config, n8nTransport(ctx, 'keyDeliveryApi'));
}
