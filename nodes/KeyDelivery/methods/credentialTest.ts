import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import { TrackingApiError } from '../../../src/core/tracking-api-error';
import { KeyDeliveryClient } from '../../../src/keydelivery/client';
import { keyDeliveryConfig } from '../../../src/providers/keydelivery';
import { credentialTestTransport } from '../../http/n8n-transport';

/** Codes that can only come after KeyDelivery accepted the key and the signature. */
const PAST_AUTHENTICATION = new Set(['105', '406', '60101']);

/**
 * Signs a carrier detection request with the credential: 404 means the API key is
 * unknown, 104 that the secret does not match it; a detection answer (found or
 * not) means the credential works.
 */
export async function keyDeliveryApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const config = keyDeliveryConfig(credential.data ?? {}, {
		sleep,
		retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
		timeoutMs: 15000,
	});
	if (!config.apiKey || !config.secret) return { status: 'Error', message: 'Fill in both API Key and Secret.' };
	const client = new KeyDeliveryClient(config, credentialTestTransport(this.helpers));
	try {
		await client.detectCarrier('9926933413');
	} catch (error) {
		// Anything but a service answer (a bug, a broken install) is reported, not thrown: the
		// credential dialog shows the message either way.
		if (!(error instanceof TrackingApiError)) return { status: 'Error', message: `Could not test the credential: ${(error as Error)?.message ?? String(error)}` };
		if (error.code === '404') {
			return { status: 'Error', message: 'Invalid API Key: KeyDelivery does not know it (code 404). Copy it again from API management.' };
		}
		if (error.code === '104') {
			return {
				status: 'Error',
				message: 'Wrong Secret: KeyDelivery rejected the request signature (code 104). Copy the Secret again from API management.',
			};
		}
		if (!PAST_AUTHENTICATION.has(error.code)) {
			return { status: 'Error', message: `Could not confirm the credential: ${error.message}` };
		}
	}
	return { status: 'OK', message: 'Connection successful: KeyDelivery accepted the API Key and Secret.' };
}
