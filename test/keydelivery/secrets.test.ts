import type { INodeParameters } from 'n8n-workflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxFault } from '../../src/sandbox';
import {
	ACCOUNT,
	closedPortUrl,
	everythingAsText,
	getTrackingParameters,
	jsonItems,
	keyDeliveryRequests,
	runNode,
	startKeyDeliverySandbox,
	DHL_DELIVERED,
	UPS_ODD,
	type RunOptions,
} from './helpers';

const WRONG_KEY = 'kd-apikey-Wr0ngKey55';
const WRONG_SECRET = 'kd-secret-Wr0ngSecret77';
const SECRETS = [ACCOUNT.apiKey, ACCOUNT.secret, WRONG_KEY, WRONG_SECRET];

const CREATE: INodeParameters = {
	operation: 'createTracking',
	carrierId: 'usps',
	trackingNumber: 'LY811679807CN',
	webhookUrl: 'https://n8n.example.com/webhook/kd?token=abc',
	trackingOptions: { phone: '5550100', shipFrom: 'Toronto', shipTo: 'Los Angeles' },
};
const DETECT: INodeParameters = { operation: 'detectCarrier', trackingNumber: '9926933413' };

interface Scenario {
	title: string;
	parameters: INodeParameters;
	fault?: SandboxFault;
	credentials?: RunOptions['credentials'];
	continueOnFail?: boolean;
	unreachable?: boolean;
	items?: RunOptions['items'];
	/** Text the run's output must contain: proves the search looks at real content. */
	shows: string;
}

const SCENARIOS: Scenario[] = [
	{ title: 'Create Tracking succeeds', parameters: CREATE, shows: '"created":true' },
	{ title: 'Get Tracking, Simplified', parameters: getTrackingParameters(DHL_DELIVERED), shows: '"shipment_status":"delivered"' },
	{ title: 'Get Tracking, Events', parameters: getTrackingParameters(UPS_ODD, { output: 'events' }), shows: '"status_code":"999"' },
	{ title: 'Get Tracking, Raw', parameters: getTrackingParameters(UPS_ODD, { output: 'raw' }), shows: '"order_status_code":999' },
	{ title: 'Detect Carrier', parameters: DETECT, shows: '"carrier_id":"dhl"' },
	{ title: 'wrong Secret (104)', parameters: CREATE, credentials: { secret: WRONG_SECRET }, shows: 'KeyDelivery error 104' },
	{ title: 'unknown API Key (404)', parameters: DETECT, credentials: { apiKey: WRONG_KEY }, shows: 'KeyDelivery error 404' },
	{ title: 'wrong Secret (104) as an error item', parameters: getTrackingParameters(DHL_DELIVERED), credentials: { secret: WRONG_SECRET }, continueOnFail: true, shows: '"code":"104"' },
	{ title: '500 on every attempt', parameters: { ...DETECT, options: { attempts: 2 } }, fault: { code: 500, times: 2 }, shows: 'KeyDelivery error 500' },
	{ title: 'connection dropped', parameters: { ...CREATE, options: { attempts: 1 } }, fault: { reset: true }, shows: 'KeyDelivery error NETWORK' },
	{ title: 'connection refused', parameters: { ...DETECT, options: { attempts: 1 } }, unreachable: true, shows: 'KeyDelivery error NETWORK' },
	{ title: 'HTML error page', parameters: { ...DETECT, options: { attempts: 1 } }, fault: { httpStatus: 503 }, shows: 'KeyDelivery error HTTP_503' },
	{ title: 'unparsable reply', parameters: getTrackingParameters(DHL_DELIVERED), fault: { brokenBody: true }, shows: 'KeyDelivery error BAD_RESPONSE' },
	{ title: 'scripted header error (102)', parameters: CREATE, fault: { code: 102 }, shows: 'KeyDelivery error 102' },
	{
		title: 'invalid input next to a good item, continueOnFail',
		parameters: { ...CREATE, trackingNumber: '={{ $json.tn }}' },
		items: jsonItems([{ tn: 'LY811679807CN' }, { tn: '' }]),
		continueOnFail: true,
		shows: 'Invalid input in item 1',
	},
];

describe('KeyDelivery node: the API Key and the Secret never leave the credential', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		sandbox = await startKeyDeliverySandbox();
	});
	afterEach(async () => await sandbox.close());

	it.each(SCENARIOS.map((s) => [s.title, s] as const))('%s: not in the output, the error message, its description or the run data', async (_title, s) => {
		if (s.fault) sandbox.failNext('keydelivery', s.fault);
		const target = s.unreachable ? { keyDeliveryBaseUrl: await closedPortUrl() } : sandbox;
		const result = await runNode(target, {
			parameters: s.parameters,
			credentials: s.credentials,
			continueOnFail: s.continueOnFail,
			items: s.items,
		});
		const text = everythingAsText(result);
		expect(text).toContain(s.shows);
		for (const secret of SECRETS) expect(text).not.toContain(secret);
		if (!s.unreachable) {
			// The credential did travel, in the header it belongs in.
			expect(keyDeliveryRequests(sandbox).length).toBeGreaterThan(0);
			expect(keyDeliveryRequests(sandbox)[0].headers['api-key']).toBe(s.credentials?.apiKey ?? ACCOUNT.apiKey);
			for (const request of keyDeliveryRequests(sandbox)) {
				expect(request.rawBody).not.toContain(ACCOUNT.secret);
				expect(request.rawBody).not.toContain(ACCOUNT.apiKey);
			}
		}
	});
});
