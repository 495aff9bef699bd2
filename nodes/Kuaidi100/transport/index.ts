import type { IExecuteFunctions } from 'n8n-workflow';
import type { CallSettings } from '../../../src/core/call';
import { Kuaidi100Client } from '../../../src/kuaidi100/client';
import { kuaidi100Config } from '../../../src/providers/kuaidi100';
import { n8nTransport } from '../../http/n8n-transport';

/** A client whose signed requests n8n sends with the node's credential (its `authenticate` signs). */
export async function kuaidi100Client(
	ctx: IExecuteFunctions,
	settings: CallSettings,
): Promise<{ client: Kuaidi100Client; salt: string | undefined }> {
	const credentials = await ctx.getCredentials('kuaidi100Api');
	const salt = typeof credentials.salt === 'string' && credentials.salt ? credentials.salt : undefined;
	const config = { ...kuaidi100Config(credentials, settings), signedByTransport: true };
	return { client: new Kuaidi100Client(config, n8nTransport(ctx, 'kuaidi100Api')), salt };
}
