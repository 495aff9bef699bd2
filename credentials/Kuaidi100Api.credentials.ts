import type { IAuthenticate, ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions, INodeProperties, Icon } from 'n8n-workflow';
import { signKuaidi100Request } from '../src/core/sign-request';
import { SERVICES } from '../src/providers/services';
import { trimmedFields } from '../src/providers/types';
import { allowedDomainsProperties } from '../nodes/parameters/allowed-domains';
import { saltProperty } from '../nodes/parameters/push-salt';

/**
 * Kuaidi100 signs each request with MD5 over its `param` text, which a generic
 * `authenticate` cannot express: the function below signs any request sent with
 * this credential (the nodes' own, and the HTTP Request node's as a predefined
 * credential type). The credential is tested by the Kuaidi100 node (`testedBy`).
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
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. The secret from the enterprise console (company information). Only endpoints signed with key, t and secret need it (time and price estimates, address resolution, e-waybills), called through the HTTP Request node.',
		},
		saltProperty(
			'Optional secret of your choosing. Subscribe sends it to Kuaidi100, which then signs every push with it, and the Tracking Webhook Trigger rejects pushes whose signature does not match.',
		),
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: SERVICES.kuaidi100.serviceRoot,
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
		...allowedDomainsProperties(SERVICES.kuaidi100.hosts),
	];

	// An own property, not a method: n8n's loader copies credential types with a spread.
	authenticate: IAuthenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => {
		const { customer = '', key = '', secret } = trimmedFields(credentials, ['customer', 'key', 'secret']);
		return signKuaidi100Request(requestOptions, { customer, key, secret });
	};
}
