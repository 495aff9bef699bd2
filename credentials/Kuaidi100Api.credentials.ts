import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';
import { saltProperty } from '../nodes/parameters/push-salt';

/**
 * Kuaidi100 requests are signed with MD5(param + key + customer) per request, which
 * a declarative `authenticate` cannot express: the nodes sign with these values,
 * and the credential is tested by the Kuaidi100 node (`testedBy`).
 */
export class Kuaidi100Api implements ICredentialType {
	name = 'kuaidi100Api';

	displayName = 'Kuaidi100 API';

	icon: Icon = { light: 'file:../nodes/Kuaidi100/kuaidi100.svg', dark: 'file:../nodes/Kuaidi100/kuaidi100.dark.svg' };

	documentationUrl = 'https://api.kuaidi100.com/document/5f0ffb5ebc8da837cbd8aefc';

	properties: INodeProperties[] = [
		{
			displayName: 'Customer',
			name: 'customer',
			type: 'string',
			default: '',
			required: true,
			description: 'The authorization code ("customer") from the Kuaidi100 enterprise console',
		},
		{
			displayName: 'Key',
			name: 'key',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key from the Kuaidi100 enterprise console',
		},
		saltProperty(
			'Optional secret of your choosing. Subscribe sends it to Kuaidi100, which then signs every push with it, and the Tracking Webhook Trigger rejects pushes whose signature does not match.',
		),
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://poll.kuaidi100.com',
			description: 'Root of the query and subscribe endpoints. Change it only for a proxy or a test server.',
		},
		{
			displayName: 'Carrier Detection Base URL',
			name: 'autonumberBaseUrl',
			type: 'string',
			default: 'https://www.kuaidi100.com',
			description:
				'Root of the carrier auto-detection endpoint, which Kuaidi100 serves from another host than the query endpoints',
		},
	];
}
