import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * KeyDelivery signs each request body with MD5(body + apiKey + secret), which a
 * declarative `authenticate` cannot express: the node signs, and tests the
 * credential (`testedBy`).
 */
export class KeyDeliveryApi implements ICredentialType {
	name = 'keyDeliveryApi';

	displayName = 'KeyDelivery API';

	icon: Icon = { light: 'file:../nodes/KeyDelivery/keyDelivery.svg', dark: 'file:../nodes/KeyDelivery/keyDelivery.dark.svg' };

	documentationUrl = 'https://www.kd100.com/docs/create-tracking';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your API key, from API management in the KeyDelivery app',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your API secret, from API management in the KeyDelivery app',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://www.kd100.com',
			description: 'Root of the KeyDelivery API. Change it only for a proxy or a test server.',
		},
	];
}
