import type { IExecuteFunctions } from 'n8n-workflow';
import type { CallSettings } from '../../../src/core/call';
import { Kuaidi100Client } from '../../../src/kuaidi100/client';
import { kuaidi100Config } from '../../../src/providers/kuaidi100';
import { n8nTransport } from '../../http/n8n-transport';

/** A client whose requests go through n8n's HTTP helper, with the node's credential. */
export async function kuaidi100Client(
	ctx: IExecuteFunctions,
	settings: CallSettings,
): Promise<{ client: Kuaidi100Client; salt: string | undefined }> {
	const credentials = await ctx.getCredentials('kuaidi100Api');
	const transport = n8nTransport(async (options) => await ctx.helpers.httpRequest(options));
	const salt = typeof credentials.salt === 'string' && credentials.salt ? credentials.salt : undefined;
	return { client: new Kuaidi100Client(kuaidi100Config(credentials, settings), transport), salt };
}
