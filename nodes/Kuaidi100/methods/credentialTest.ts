import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import { TrackingApiError } from '../../../src/core/tracking-api-error';
import { Kuaidi100Client } from '../../../src/kuaidi100/client';
import { kuaidi100Config } from '../../../src/providers/kuaidi100';
import { credentialTestTransport } from '../../http/n8n-transport';

/** A well-formed number no carrier knows: a valid credential gets "no result yet" (500). */
export const CREDENTIAL_TEST_NUMBER = 'YT0000000000000';

/**
 * Signs a real-time query with the credential and reads the code Kuaidi100 answers:
 * 503 means customer/key are wrong, 601 an expired key or no quota; a query that
 * gets past the signature check (found or not) means the credential works.
 */
export async function kuaidi100ApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const config = kuaidi100Config(credential.data ?? {}, { sleep, retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, timeoutMs: 15000 });
	if (!config.customer || !config.key) {
		return { status: 'Error', message: 'Fill in both Customer and Key.' };
	}
	const client = new Kuaidi100Client(config, credentialTestTransport(this.helpers));
	try {
		await client.query({ com: 'yuantong', num: CREDENTIAL_TEST_NUMBER, resultv2: '4' });
	} catch (error) {
		// Anything but a service answer (a bug, a broken install) is reported, not thrown: the
		// credential dialog shows the message either way.
		if (!(error instanceof TrackingApiError)) return { status: 'Error', message: `Could not test the credential: ${(error as Error)?.message ?? String(error)}` };
		switch (error.code) {
			case '503':
				return {
					status: 'Error',
					message: 'Wrong Customer or Key: Kuaidi100 rejected the request signature (code 503). Copy both again from the Kuaidi100 console.',
				};
			case '601':
				return {
					status: 'Error',
					message: 'The Key has expired or the account has no quota left (code 601). Recharge or renew it in the Kuaidi100 console.',
				};
			case '500':
			case '408':
				break; // past the signature check: the number is just unknown
			default:
				return { status: 'Error', message: `Could not confirm the credential: ${error.message}` };
		}
	}
	return { status: 'OK', message: 'Connection successful: Kuaidi100 accepted the Customer and Key.' };
}
