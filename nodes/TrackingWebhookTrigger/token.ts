import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult, IWebhookFunctions } from 'n8n-workflow';

/** The legacy node parameter that held the KeyDelivery token before the credential existed. */
export const LEGACY_TOKEN_PARAMETER = 'token';

/**
 * The token KeyDelivery pushes must carry: the credential's when one is chosen,
 * otherwise the old node parameter (workflows made before the credential keep
 * working; the node shows a notice asking to move it). '' means "none": every push
 * is then rejected, never accepted unauthenticated.
 */
export async function expectedKeyDeliveryToken(ctx: IWebhookFunctions): Promise<string> {
	if (ctx.getNode().credentials?.keyDeliveryWebhookApi) {
		// A chosen credential that cannot be loaded throws: n8n answers 500 and the sender retries.
		const credentials = await ctx.getCredentials('keyDeliveryWebhookApi');
		return typeof credentials.token === 'string' ? credentials.token : '';
	}
	const legacy = ctx.getNodeParameter(LEGACY_TOKEN_PARAMETER, '') as string;
	return typeof legacy === 'string' ? legacy : '';
}

/** Long enough that guessing it over HTTP is hopeless (e.g. 32 hex digits = 128 bits). */
export const MIN_TOKEN_LENGTH = 24;

/**
 * There is no KeyDelivery call that proves a webhook token: the test checks what can
 * be checked locally, that it is long enough to be a secret and fits in a URL as is.
 */
export async function keyDeliveryWebhookTokenTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const token = typeof credential.data?.token === 'string' ? credential.data.token : '';
	if (token.length < MIN_TOKEN_LENGTH) {
		return { status: 'Error', message: `The token is too short: use at least ${MIN_TOKEN_LENGTH} random characters (e.g. 32 hex digits).` };
	}
	if (encodeURIComponent(token) !== token) {
		return { status: 'Error', message: 'Use only letters, digits and - _ . ! ~ * \' ( ): the token goes into the webhook URL unchanged.' };
	}
	return { status: 'OK', message: 'The token is usable. Put it into the webhook URL as ?token=…' };
}
