/**
 * Issue 9, point 5: the KeyDelivery webhook token lives in a credential. Workflows that
 * still carry it as the old node parameter keep working and show a notice.
 */
import { describe, expect, it } from 'vitest';
import { NodeHelpers, type ICredentialsDecrypted, type ICredentialTestFunctions, type INodeProperties } from 'n8n-workflow';

import { KeyDeliveryWebhookApi } from '../../credentials/KeyDeliveryWebhookApi.credentials';
import { TrackingWebhookTrigger } from '../../nodes/TrackingWebhookTrigger/TrackingWebhookTrigger.node';
import { keyDeliveryWebhookTokenTest } from '../../nodes/TrackingWebhookTrigger/token';
import { runWebhook, type WebhookHandle } from '../harness/n8n';
import { asRequest, emitted, expectRejected, expectReply, keyDeliveryWebhook, KEYDELIVERY_ACK, sample, TOKEN } from './helpers';

const LY = 'LY811679807CN';
const CREDENTIAL_TOKEN = 'cred-tok-5e8a0c7d1b2f4a69-secret';
const BAD_TOKEN = { code: 401, message: 'Missing or wrong "token" query parameter.' };

async function withTokenTrigger(
	setup: { credentialToken?: string; parameterToken?: string },
	fn: (hook: WebhookHandle) => Promise<void>,
): Promise<void> {
	const hook = await runWebhook({
		nodeType: new TrackingWebhookTrigger(),
		credentialTypes: [new KeyDeliveryWebhookApi()],
		credentials: setup.credentialToken === undefined ? undefined : { keyDeliveryWebhookApi: { token: setup.credentialToken } },
		parameters: { source: 'keyDelivery', ...(setup.parameterToken === undefined ? {} : { token: setup.parameterToken }) },
	});
	try {
		await fn(hook);
	} finally {
		await hook.close();
	}
}

const post = async (hook: WebhookHandle, token: string | undefined) =>
	await hook.post(`?${token === undefined ? '' : `token=${token}&`}orderId=7`, asRequest(keyDeliveryWebhook(sample(LY))));

describe('Tracking Webhook Trigger, KeyDelivery token from a credential', () => {
	it('accepts the credential\'s token and rejects a missing or wrong one; the token is in no item, reply or static data', async () => {
		await withTokenTrigger({ credentialToken: CREDENTIAL_TOKEN }, async (hook) => {
			expectRejected(await post(hook, undefined), 401, BAD_TOKEN);
			expectRejected(await post(hook, `${CREDENTIAL_TOKEN}x`), 401, BAD_TOKEN);
			const accepted = await post(hook, CREDENTIAL_TOKEN);
			expectReply(accepted, 200, KEYDELIVERY_ACK);
			expect(emitted(accepted)).toHaveLength(1);
			expect(emitted(accepted)[0].callback_params).toEqual({ orderId: '7' });
			const everything = JSON.stringify([accepted.workflowData, accepted.bodyText, hook.staticData]);
			expect(everything).not.toContain(CREDENTIAL_TOKEN);
		});
	});

	it('prefers the credential when the old parameter is also set (the parameter\'s token no longer opens it)', async () => {
		await withTokenTrigger({ credentialToken: CREDENTIAL_TOKEN, parameterToken: TOKEN }, async (hook) => {
			expectRejected(await post(hook, TOKEN), 401, BAD_TOKEN);
			expectReply(await post(hook, CREDENTIAL_TOKEN), 200, KEYDELIVERY_ACK);
		});
	});

	it('an old workflow with the token as a node parameter keeps working', async () => {
		await withTokenTrigger({ parameterToken: TOKEN }, async (hook) => {
			expectRejected(await post(hook, 'guess'), 401, BAD_TOKEN);
			const accepted = await post(hook, TOKEN);
			expectReply(accepted, 200, KEYDELIVERY_ACK);
			expect(emitted(accepted)).toHaveLength(1);
		});
	});

	it('with neither a credential nor a parameter every push is rejected', async () => {
		await withTokenTrigger({}, async (hook) => {
			expectRejected(await post(hook, undefined), 401, BAD_TOKEN);
			expectRejected(await post(hook, ''), 401, BAD_TOKEN);
		});
	});
});

describe('Tracking Webhook Trigger: the notice for the old token parameter', () => {
	const description = new TrackingWebhookTrigger().description;
	const property = (name: string) => description.properties.find((p) => p.name === name) as INodeProperties;
	const shown = (name: string, values: Record<string, unknown>) =>
		NodeHelpers.displayParameter(values as never, property(name), { typeVersion: 1 }, description);

	it('is shown, with the parameter, only while the parameter holds a token', () => {
		expect(property('legacyTokenNotice').type).toBe('notice');
		for (const name of ['legacyTokenNotice', 'token']) {
			expect(shown(name, { source: 'keyDelivery', token: TOKEN })).toBe(true);
			expect(shown(name, { source: 'keyDelivery', token: '' })).toBe(false);
			expect(shown(name, { source: 'kuaidi100', token: '' })).toBe(false);
		}
		expect(property('token').required).not.toBe(true);
	});

	it('the credential is offered for KeyDelivery only', () => {
		const credential = description.credentials?.find((c) => c.name === 'keyDeliveryWebhookApi');
		expect(credential?.displayOptions?.show?.source).toEqual(['keyDelivery']);
	});
});

describe('KeyDelivery Webhook Token credential test', () => {
	const test = async (token: string) =>
		await keyDeliveryWebhookTokenTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'token',
			type: 'keyDeliveryWebhookApi',
			data: { token },
		} as ICredentialsDecrypted);

	it('accepts a long URL-safe token and explains what is wrong with others', async () => {
		expect(await test(CREDENTIAL_TOKEN)).toMatchObject({ status: 'OK' });
		expect(await test('short')).toMatchObject({ status: 'Error', message: expect.stringContaining('too short') });
		expect(await test('a'.repeat(30) + '&x=1')).toMatchObject({ status: 'Error', message: expect.stringContaining('URL') });
	});
});
