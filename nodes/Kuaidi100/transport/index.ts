import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';
import type { CallSettings } from '../../../src/core/call';
import { Kuaidi100Client, type Kuaidi100Config } from '../../../src/kuaidi100/client';
import { n8nTransport } from '../../shared/transport';

export interface Kuaidi100Credentials {
	customer: string;
	key: string;
	salt?: string;
	baseUrl?: string;
	autonumberBaseUrl?: string;
}

export function kuaidi100Config(credentials: ICredentialDataDecryptedObject, settings: CallSettings): Kuaidi100Config {
	const c = credentials as unknown as Kuaidi100Credentials;
	return {
		customer: String(c.customer ?? '').trim(),
		key: String(c.key ?? '').trim(),
		baseUrl: c.baseUrl || undefined,
		autonumberBaseUrl: c.autonumberBaseUrl || undefined,
		...settings,
	};
}

/** A client whose requests go through n8n's HTTP helper, signed with the node's credential. */
export async function kuaidi100Client(
	ctx: IExecuteFunctions,
	settings: CallSettings,
): Promise<{ client: Kuaidi100Client; credentials: Kuaidi100Credentials }> {
	const credentials = await ctx.getCredentials('kuaidi100Api');
	const transport = n8nTransport(async (options) => await ctx.helpers.httpRequest(options));
	return {
		client: new Kuaidi100Client(kuaidi100Config(credentials, settings), transport),
		credentials: credentials as unknown as Kuaidi100Credentials,
	};
}
