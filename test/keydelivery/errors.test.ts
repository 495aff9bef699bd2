import type { INodeParameters } from 'n8n-workflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxFault } from '../../src/sandbox';
import {
	DHL_DELIVERED,
	PATHS,
	USPS,
	USPS_NO_EVENTS,
	getTrackingParameters,
	keyDeliveryRequests,
	runNode,
	startKeyDeliverySandbox,
	type RunOptions,
} from './helpers';

const WEBHOOK = 'https://n8n.example.com/webhook/kd?token=abc';

const GET: INodeParameters = { ...getTrackingParameters(USPS), options: { attempts: 3 } };
const CREATE: INodeParameters = {
	operation: 'createTracking',
	carrierId: 'usps',
	trackingNumber: 'LY811679807CN',
	webhookUrl: WEBHOOK,
	options: { attempts: 3 },
};
const DETECT: INodeParameters = { operation: 'detectCarrier', trackingNumber: '9926933413', options: { attempts: 3 } };

interface ErrorCase {
	code: string;
	/** How the case is provoked. */
	how: string;
	parameters: INodeParameters;
	/** Scripted reply (failNext) or account state, for codes the node cannot provoke by itself. */
	fault?: SandboxFault;
	account?: Parameters<Sandbox['setCredentials']>[0];
	credentials?: RunOptions['credentials'];
	/** What the message must say the code means (providers.md). */
	meaning: RegExp;
	/** What the description must tell the user to do. */
	remedy: RegExp;
	/** Requests the sandbox must have received: 1 unless the code is retried. */
	requests: number;
	retryable: boolean;
}

const CASES: ErrorCase[] = [
	{ code: '101', how: 'scripted reply to Get Tracking', parameters: GET, fault: { code: 101 }, meaning: /HTTP method/i, remedy: /POST/, requests: 1, retryable: false },
	{ code: '102', how: 'scripted reply to Create Tracking', parameters: CREATE, fault: { code: 102 }, meaning: /header/i, remedy: /API Key/, requests: 1, retryable: false },
	{ code: '103', how: 'scripted reply to Detect Carrier', parameters: DETECT, fault: { code: 103 }, meaning: /not valid JSON/i, remedy: /fields|bug/i, requests: 1, retryable: false },
	{ code: '104', how: 'wrong Secret in the credential (Get Tracking)', parameters: GET, credentials: { secret: 'not-the-secret' }, meaning: /signature/i, remedy: /Secret/, requests: 1, retryable: false },
	{ code: '104', how: 'wrong Secret in the credential (Create Tracking)', parameters: CREATE, credentials: { secret: 'not-the-secret' }, meaning: /signature/i, remedy: /Secret/, requests: 1, retryable: false },
	{ code: '105', how: 'scripted reply to Create Tracking', parameters: CREATE, fault: { code: 105 }, meaning: /parameter/i, remedy: /carrier id|tracking number|webhook/i, requests: 1, retryable: false },
	{ code: '106', how: 'blocked account (Get Tracking)', parameters: GET, account: { keyDeliveryBlocked: true }, meaning: /blocked/i, remedy: /support/i, requests: 1, retryable: false },
	{ code: '401', how: 'quota exhausted (Create Tracking)', parameters: CREATE, account: { keyDeliveryQuotaExhausted: true }, meaning: /quota/i, remedy: /quota|plan/i, requests: 1, retryable: false },
	{ code: '404', how: 'unknown API Key in the credential (Detect Carrier)', parameters: DETECT, credentials: { apiKey: 'no-such-key' }, meaning: /API Key/i, remedy: /API Key/, requests: 1, retryable: false },
	{ code: '405', how: 'unknown carrier id (Get Tracking)', parameters: { ...GET, carrierId: 'no-such-carrier' }, meaning: /carrier id/i, remedy: /carrier list|Detect Carrier/, requests: 1, retryable: false },
	{ code: '406', how: 'undetectable number (Detect Carrier)', parameters: { ...DETECT, trackingNumber: 'ZZ00000' }, meaning: /cannot be detected/i, remedy: /carrier id|tracking number/i, requests: 1, retryable: false },
	{ code: '500', how: 'scripted 500 on every attempt (Get Tracking)', parameters: GET, fault: { code: 500, times: 3 }, meaning: /server error/i, remedy: /retried|later/i, requests: 3, retryable: true },
	{ code: '60101', how: 'shipment without events (Get Tracking)', parameters: getTrackingParameters(USPS_NO_EVENTS), meaning: /no tracking result/i, remedy: /later|webhook/i, requests: 1, retryable: false },
];

describe('KeyDelivery node: every error code becomes a per-item n8n error', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		sandbox = await startKeyDeliverySandbox();
	});
	afterEach(async () => await sandbox.close());

	it.each(CASES.map((c) => [`code ${c.code}, ${c.how}: code, meaning and remedy in the error; ${c.requests} request(s)`, c] as const))('%s', async (_title, c) => {
		if (c.fault) sandbox.failNext('keydelivery', c.fault);
		if (c.account) sandbox.setCredentials(c.account);
		const result = await runNode(sandbox, { parameters: c.parameters, credentials: c.credentials });

		expect(result.items).toEqual([]);
		const error = result.error as (Error & { description?: string; context?: { itemIndex?: number } }) | undefined;
		expect(error?.name).toBe('NodeApiError');
		expect(error?.message).toMatch(new RegExp(`^KeyDelivery error ${c.code} in item 0: `));
		expect(error?.message).toMatch(c.meaning);
		expect(error?.description).toMatch(c.remedy);
		expect(error?.context?.itemIndex).toBe(0);
		expect(keyDeliveryRequests(sandbox)).toHaveLength(c.requests);

		// The same failure as an error item under "Continue On Fail": branchable on code and retryable.
		const before = keyDeliveryRequests(sandbox).length;
		if (c.fault) sandbox.failNext('keydelivery', c.fault);
		const continued = await runNode(sandbox, { parameters: c.parameters, credentials: c.credentials, continueOnFail: true });
		expect(continued.error).toBeUndefined();
		expect(continued.items).toHaveLength(1);
		expect(continued.items[0].pairedItem).toEqual({ item: 0 });
		expect(continued.items[0].json).toMatchObject({ code: c.code, retryable: c.retryable });
		expect(continued.items[0].json.error).toBe(error?.message);
		expect(continued.items[0].json.description).toBe(error?.description);
		expect(keyDeliveryRequests(sandbox).length - before).toBe(c.requests);
	});

	it('code 500 is retried with backoff and the item succeeds when a later attempt does', async () => {
		sandbox.failNext('keydelivery', { code: 500, times: 2, path: PATHS.realtime });
		const result = await runNode(sandbox, { parameters: GET });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ carrier: 'usps', tracking_number: 'LY811679807CN', shipment_status: 'delivered' });
		expect(keyDeliveryRequests(sandbox)).toHaveLength(3);
		// Every attempt is the same signed request.
		const bodies = new Set(keyDeliveryRequests(sandbox).map((r) => `${r.rawBody}|${r.headers.signature}`));
		expect(bodies.size).toBe(1);
	});

	it('code 500 on Create Tracking: retried, then created', async () => {
		sandbox.failNext('keydelivery', { code: 500, times: 1 });
		const result = await runNode(sandbox, { parameters: CREATE });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ created: true, alreadyExists: false });
		expect(keyDeliveryRequests(sandbox)).toHaveLength(2);
	});

	it('the Attempts option bounds the retries of code 500', async () => {
		sandbox.failNext('keydelivery', { code: 500, times: 5 });
		const result = await runNode(sandbox, { parameters: { ...DETECT, options: { attempts: 2 } } });
		expect(result.error?.message).toMatch(/^KeyDelivery error 500 in item 0/);
		expect(keyDeliveryRequests(sandbox)).toHaveLength(2);
	});

	it('code 60201 on Create Tracking is not an error: alreadyExists', async () => {
		sandbox.failNext('keydelivery', { code: 60201 });
		const result = await runNode(sandbox, { parameters: CREATE });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ created: false, alreadyExists: true, code: 60201 });
		expect(keyDeliveryRequests(sandbox)).toHaveLength(1);
	});

	it('a dropped connection is a network error: retried, then the item succeeds', async () => {
		sandbox.failNext('keydelivery', { reset: true, times: 2 });
		const result = await runNode(sandbox, { parameters: getTrackingParameters(DHL_DELIVERED, { options: { attempts: 3 } }) });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ tracking_number: '4433221100', shipment_status: 'delivered' });
		expect(keyDeliveryRequests(sandbox)).toHaveLength(3);
	});

	it('a connection dropped on every attempt fails the item as NETWORK after all attempts', async () => {
		sandbox.failNext('keydelivery', { reset: true, times: 3 });
		const result = await runNode(sandbox, { parameters: GET });
		expect(result.error?.message).toMatch(/^KeyDelivery error NETWORK in item 0: .*could not be reached/);
		expect(result.error?.description).toMatch(/base URL|network|proxy/i);
		expect(result.error?.description).toMatch(/retried/);
		expect(keyDeliveryRequests(sandbox)).toHaveLength(3);
	});

	it('an HTML 502 page is retried like a server error', async () => {
		sandbox.failNext('keydelivery', { httpStatus: 502, times: 1 });
		const result = await runNode(sandbox, { parameters: DETECT });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ carrier_id: 'dhl' });
		expect(keyDeliveryRequests(sandbox)).toHaveLength(2);
	});

	it('an answer slower than the timeout is retried', async () => {
		sandbox.failNext('keydelivery', { delayMs: 3000, times: 1 });
		const result = await runNode(sandbox, { parameters: { ...DETECT, options: { attempts: 2, timeoutMs: 1000 } } });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ carrier_id: 'dhl' });
		expect(keyDeliveryRequests(sandbox)).toHaveLength(2);
	});

	it('an HTTP 404 page (base URL not the service root) is HTTP_404, not code 404, and not retried', async () => {
		const result = await runNode({ keyDeliveryBaseUrl: `${sandbox.keyDeliveryBaseUrl}/v2` }, { parameters: GET });
		expect(result.error?.message).toBe('KeyDelivery error HTTP_404 in item 0: The service answered with HTTP status 404');
		expect(result.error?.description).toMatch(/base URL/);
		expect(keyDeliveryRequests(sandbox)).toHaveLength(1);
		expect(keyDeliveryRequests(sandbox)[0].path).toBe(`/v2${PATHS.realtime}`);
	});

	it('an unparsable reply is BAD_RESPONSE and not retried', async () => {
		sandbox.failNext('keydelivery', { brokenBody: true, times: 3 });
		const result = await runNode(sandbox, { parameters: GET });
		expect(result.error?.message).toMatch(/^KeyDelivery error BAD_RESPONSE in item 0/);
		expect(result.error?.description).toMatch(/base URL/);
		expect(keyDeliveryRequests(sandbox)).toHaveLength(1);
	});

	it('an error of the second item names item 1', async () => {
		const result = await runNode(sandbox, {
			parameters: { operation: 'getTracking', carrierId: 'usps', trackingNumber: '={{ $json.tn }}' },
			items: [{ json: { tn: 'LY811679807CN' } }, { json: { tn: '9400111899223100000000' } }],
		});
		expect(result.items).toEqual([]);
		expect(result.error?.message).toMatch(/^KeyDelivery error 60101 in item 1: /);
		expect((result.error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(1);
	});
});
