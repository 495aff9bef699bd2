import type { IAuthenticate, ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions, INodeProperties, Icon } from 'n8n-workflow';
import { signKeyDeliveryRequest } from '../src/core/sign-request';
import { SERVICES } from '../src/providers/services';
import { trimmedFields } from '../src/providers/types';
import { allowedDomainsProperties } from '../nodes/parameters/allowed-domains';

/**
 * KeyDelivery signs each request body with MD5(body + apiKey + secret), which a
 * generic `authenticate` cannot express: the function below signs any request sent
 * with this credential (the node's own, and the HTTP Request node's as a predefined
 * credential type). The credential is tested by the KeyDelivery node (`testedBy`).
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
			default: SERVICES.keydelivery.serviceRoot,
			description: 'Root of the KeyDelivery API. Change it only for a proxy or a test server.',
		},
		...allowedDomainsProperties(SERVICES.keydelivery.hosts),
	];

	// An own property, not a method: n8n's loader copies credential types with a spread.
	authenticate: IAuthenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => {
		const { apiKey = '', secret = '' } = trimmedFields(credentials, ['apiKey', 'secret']);
		return signKeyDeliveryRequest(requestOptions, { apiKey, secret });
	};
}
