import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';
import type { CallSettings } from '../../../src/core/call';
import { KeyDeliveryClient, type KeyDeliveryConfig } from '../../../src/keydelivery/client';
import { n8nTransport } from '../../shared/transport';

export function keyDeliveryConfig(credentials: ICredentialDataDecryptedObject, settings: CallSettings): KeyDeliveryConfig {
	return {
		apiKey: String(credentials.apiKey ?? '').trim(),
		secret: String(credentials.secret ?? '').trim(),
		// Pasted URLs often carry a stray space, which would make every request fail as unreachable.
		baseUrl: String(credentials.baseUrl ?? '').trim() || undefined,
		...settings,
	};
}

/** A client whose requests go through n8n's HTTP helper, signed with the node's credential. */
export async function keyDeliveryClient(ctx: IExecuteFunctions, settings: CallSettings): Promise<KeyDeliveryClient> {
	const credentials = await ctx.getCredentials('keyDeliveryApi');
	const transport = n8nTransport(async (options) => await ctx.helpers.httpRequest(options));
	return new KeyDeliveryClient(keyDeliveryConfig(credentials, settings), transport);
}
