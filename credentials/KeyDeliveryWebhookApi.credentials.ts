import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The secret a KeyDelivery webhook URL carries (`?token=`). KeyDelivery signs nothing
 * it posts, so this token is the trigger's only proof of origin. Kept in a credential,
 * n8n stores it encrypted and never copies it into executions, workflow history or
 * exported workflow JSON (a node parameter would be in all three).
 */
export class KeyDeliveryWebhookApi implements ICredentialType {
	name = 'keyDeliveryWebhookApi';

	displayName = 'KeyDelivery Webhook Token API';

	icon: Icon = { light: 'file:../nodes/KeyDelivery/keyDelivery.svg', dark: 'file:../nodes/KeyDelivery/keyDelivery.dark.svg' };

	documentationUrl = 'https://www.kd100.com/docs/create-tracking';

	properties: INodeProperties[] = [
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Secret that must arrive as the "token" query parameter of the webhook URL given to KeyDelivery\'s Create Tracking. Use a long random value.',
		},
	];
}
