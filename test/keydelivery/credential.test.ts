import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox';
import { KeyDelivery } from '../../nodes/KeyDelivery/KeyDelivery.node';
import {
	ACCOUNT,
	PATHS,
	closedPortUrl,
	expectedSignature,
	keyDeliveryRequests,
	requestsTo,
	runCredentialTest,
	startKeyDeliverySandbox,
} from './helpers';

describe('KeyDelivery credential test (keyDeliveryApiTest)', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		sandbox = await startKeyDeliverySandbox();
	});
	afterEach(async () => await sandbox.close());

	it('is the test the node declares for its credential', () => {
		const node = new KeyDelivery();
		expect(node.description.credentials).toEqual([{ name: 'keyDeliveryApi', required: true, testedBy: 'keyDeliveryApiTest' }]);
		expect(typeof node.methods.credentialTest.keyDeliveryApiTest).toBe('function');
	});

	it('a working credential: OK, after one signed request', async () => {
		const result = await runCredentialTest({ ...ACCOUNT, baseUrl: sandbox.keyDeliveryBaseUrl });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful: KeyDelivery accepted the API Key and Secret.' });
		const sent = requestsTo(sandbox, PATHS.detect);
		expect(sent).toHaveLength(1);
		expect(sent[0].method).toBe('POST');
		expect(sent[0].headers['api-key']).toBe(ACCOUNT.apiKey);
		expect(sent[0].headers.signature).toBe(expectedSignature(sent[0].rawBody));
	});

	it('an unknown API Key (code 404): Error, saying the API Key is invalid', async () => {
		const result = await runCredentialTest({ apiKey: 'kd-apikey-unknown', secret: ACCOUNT.secret, baseUrl: sandbox.keyDeliveryBaseUrl });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Invalid API Key/);
		expect(result.message).toMatch(/404/);
		expect(result.message).not.toMatch(/Secret/);
	});

	it('a wrong Secret (code 104, bad signature): Error, saying the Secret is wrong', async () => {
		const result = await runCredentialTest({ apiKey: ACCOUNT.apiKey, secret: 'kd-secret-wrong', baseUrl: sandbox.keyDeliveryBaseUrl });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Wrong Secret/);
		expect(result.message).toMatch(/104/);
		expect(result.message).toMatch(/signature/);
		expect(result.message).not.toMatch(/Invalid API Key/);
	});

	it('the three outcomes have three different messages', async () => {
		const messages = await Promise.all([
			runCredentialTest({ ...ACCOUNT, baseUrl: sandbox.keyDeliveryBaseUrl }),
			runCredentialTest({ ...ACCOUNT, apiKey: 'nope', baseUrl: sandbox.keyDeliveryBaseUrl }),
			runCredentialTest({ ...ACCOUNT, secret: 'nope', baseUrl: sandbox.keyDeliveryBaseUrl }),
		]);
		expect(new Set(messages.map((m) => m.message)).size).toBe(3);
		expect(messages.map((m) => m.status)).toEqual(['OK', 'Error', 'Error']);
	});

	it('whitespace around pasted keys is ignored', async () => {
		const result = await runCredentialTest({ apiKey: ` ${ACCOUNT.apiKey}\n`, secret: `${ACCOUNT.secret} `, baseUrl: sandbox.keyDeliveryBaseUrl });
		expect(result.status).toBe('OK');
	});

	it('a base URL pasted with spaces and a trailing slash works', async () => {
		const result = await runCredentialTest({ ...ACCOUNT, baseUrl: ` ${sandbox.keyDeliveryBaseUrl}/ ` });
		expect(result.status).toBe('OK');
		expect(requestsTo(sandbox, PATHS.detect)).toHaveLength(1);
	});

	it('a number the service cannot detect (406) still proves the credential works', async () => {
		const empty = await startKeyDeliverySandbox({ shipments: [] });
		try {
			const result = await runCredentialTest({ ...ACCOUNT, baseUrl: empty.keyDeliveryBaseUrl });
			expect(result.status).toBe('OK');
			expect(keyDeliveryRequests(empty)).toHaveLength(1);
		} finally {
			await empty.close();
		}
	});

	it('an exhausted quota (401): Error that says so', async () => {
		sandbox.setCredentials({ keyDeliveryQuotaExhausted: true });
		const result = await runCredentialTest({ ...ACCOUNT, baseUrl: sandbox.keyDeliveryBaseUrl });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/401/);
		expect(result.message).toMatch(/quota/i);
	});

	it('a base URL that is not the service root (an HTTP 404 page) is not mistaken for an invalid API Key', async () => {
		const result = await runCredentialTest({ ...ACCOUNT, baseUrl: `${sandbox.keyDeliveryBaseUrl}/v2` });
		expect(result.status).toBe('Error');
		expect(result.message).not.toMatch(/Invalid API Key/);
		expect(result.message).toMatch(/HTTP status 404/);
		expect(result.message).toMatch(/base URL/);
	});

	it('a missing Secret: Error without sending anything', async () => {
		const result = await runCredentialTest({ apiKey: ACCOUNT.apiKey, secret: '', baseUrl: sandbox.keyDeliveryBaseUrl });
		expect(result).toEqual({ status: 'Error', message: 'Fill in both API Key and Secret.' });
		expect(keyDeliveryRequests(sandbox)).toHaveLength(0);
	});

	it('an unreachable base URL: Error saying the service could not be reached', async () => {
		const result = await runCredentialTest({ ...ACCOUNT, baseUrl: await closedPortUrl() });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/could not be reached/i);
	});

	it('no message carries the API Key or the Secret', async () => {
		const results = await Promise.all([
			runCredentialTest({ ...ACCOUNT, baseUrl: sandbox.keyDeliveryBaseUrl }),
			runCredentialTest({ ...ACCOUNT, apiKey: 'kd-apikey-unknown', baseUrl: sandbox.keyDeliveryBaseUrl }),
			runCredentialTest({ ...ACCOUNT, secret: 'kd-secret-wrong', baseUrl: sandbox.keyDeliveryBaseUrl }),
			runCredentialTest({ ...ACCOUNT, baseUrl: await closedPortUrl() }),
		]);
		const text = JSON.stringify(results);
		expect(text).toMatch(/Connection successful/);
		for (const secret of [ACCOUNT.apiKey, ACCOUNT.secret, 'kd-apikey-unknown', 'kd-secret-wrong']) {
			expect(text).not.toContain(secret);
		}
	});
});
