import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kuaidi100Api } from '../../credentials/Kuaidi100Api.credentials';
import { KeyDeliveryApi } from '../../credentials/KeyDeliveryApi.credentials';
import { KeyDelivery } from '../../nodes/KeyDelivery/KeyDelivery.node';
import { Kuaidi100 } from '../../nodes/Kuaidi100/Kuaidi100.node';
import { parseShipmentList } from '../../src/exporter/intake/shipment-list';
import { SANDBOX_KEYDELIVERY, SANDBOX_KUAIDI100, type Sandbox } from '../../src/sandbox';
import { executeNode } from '../harness/n8n';
import { Clock, harness, sandboxAt, startS3, tempDir, testConfig, writeShipments, type LocalS3 } from './helpers';

/**
 * The rules that live once (src/core/validation.ts, src/providers/): the same
 * input gets the same verdict and the same request from a node and from the exporter.
 */
let s3: LocalS3;
let sandbox: Sandbox;
const clock = new Clock(Date.parse('2024-03-10T02:00:00Z'));
beforeAll(async () => {
	s3 = await startS3();
	sandbox = await sandboxAt(clock, { enforceLockout: false });
});
afterAll(async () => {
	await sandbox.close();
	await s3.close();
});

async function kuaidi100Node(parameters: Record<string, unknown>) {
	return await executeNode({
		nodeType: new Kuaidi100(),
		credentialTypes: [new Kuaidi100Api()],
		credentials: { kuaidi100Api: { ...SANDBOX_KUAIDI100, baseUrl: sandbox.kuaidi100BaseUrl } },
		parameters: { operation: 'query', options: { attempts: 1, timeoutMs: 2000 }, ...parameters } as never,
		items: [{ json: {} }],
	});
}

async function keyDeliveryNode(parameters: Record<string, unknown>) {
	return await executeNode({
		nodeType: new KeyDelivery(),
		credentialTypes: [new KeyDeliveryApi()],
		credentials: { keyDeliveryApi: { ...SANDBOX_KEYDELIVERY, baseUrl: sandbox.keyDeliveryBaseUrl } },
		parameters: { operation: 'getTracking', options: { attempts: 1, timeoutMs: 2000 }, ...parameters } as never,
		items: [{ json: {} }],
	});
}

function listVerdict(provider: string, carrier: string, trackingNumber: string, phone = ''): string | undefined {
	const list = parseShipmentList(`provider,carrier,tracking_number,phone\n${provider},${carrier},${trackingNumber},${phone}\n`, 'list.csv');
	return list.badRows[0]?.reason;
}

const queryParams = (provider: 'kuaidi100' | 'keydelivery') =>
	sandbox.requests
		.filter((r) => r.provider === provider && (r.path === '/poll/query.do' || r.path.endsWith('/tracking/realtime')))
		.map((r) => (provider === 'kuaidi100' ? (JSON.parse(new URLSearchParams(r.rawBody).get('param')!) as Record<string, unknown>) : (JSON.parse(r.rawBody) as Record<string, unknown>)));

describe('one shipment rule for the nodes and the exporter', () => {
	const cases: Array<[string, { carrier: string; number: string; phone?: string }, RegExp]> = [
		['a carrier code with a dot', { carrier: 'yuan.tong', number: 'YT7450353838751' }, /carrier code "yuan\.tong" has characters a carrier code never has/],
		['a number with a character numbers never have', { carrier: 'yuantong', number: 'YT745035/3838751' }, /"YT745035\/3838751" may hold only letters, digits, "-" and "_"/],
		['a number too short', { carrier: 'zhongtong', number: '12345' }, /"12345" has 5 characters; it must have 6 to 32/],
		['SF Express without phone', { carrier: 'shunfeng', number: 'SF1403829177352' }, /"shunfeng" \(SF Express\) requires the sender's or recipient's phone/],
		['a phone that is no phone', { carrier: 'shunfeng', number: 'SF1403829177352', phone: 'call me' }, /The phone "call me" is not a phone number/],
	];
	for (const [name, input, verdict] of cases) {
		it(`Kuaidi100: ${name} is refused by both, before any request`, async () => {
			const before = sandbox.requests.length;
			const node = await kuaidi100Node({ carrierCode: input.carrier, trackingNumber: input.number, phone: input.phone ?? '' });
			expect(node.error?.message).toMatch(verdict);
			expect(listVerdict('kuaidi100', input.carrier, input.number, input.phone)).toMatch(verdict);
			expect(sandbox.requests.length).toBe(before);
		});
	}

	it('KeyDelivery: the same number and carrier rules, with its own lengths', async () => {
		const node = await keyDeliveryNode({ carrierId: 'usps', trackingNumber: 'LY1' });
		const verdict = /"LY1" has 3 characters; it must have 4 to 64/;
		expect(node.error?.message).toMatch(verdict);
		expect(listVerdict('keydelivery', 'usps', 'LY1')).toMatch(verdict);
		const dotted = await keyDeliveryNode({ carrierId: 'royal.mail', trackingNumber: 'LY811679807CN' });
		expect(dotted.error?.message).toMatch(/carrier id "royal\.mail" has characters/);
		expect(listVerdict('keydelivery', 'royal.mail', 'LY811679807CN')).toMatch(/carrier id "royal\.mail" has characters/);
	});
});

describe('one set of request parameters for the nodes and the exporter', () => {
	it('resultv2 "0" (basic) is not sent by either; both send the same Kuaidi100 and KeyDelivery parameters', async () => {
		const dir = await tempDir('exporter-params-');
		try {
			sandbox.requests.length = 0;
			const shipments = [
				{ provider: 'kuaidi100' as const, carrier: 'yuantong', trackingNumber: 'YT7450353838751' },
				{ provider: 'keydelivery' as const, carrier: 'usps', trackingNumber: 'LY811679807CN' },
			];
			await writeShipments(dir, shipments);
			const config = await testConfig(sandbox, s3.endpoint, dir);
			const summary = await harness(clock, s3).run({ ...config, kuaidi100: { ...config.kuaidi100, resultv2: '0' } });
			expect(summary.error).toBeUndefined();
			const [exporterK100] = queryParams('kuaidi100');
			const [exporterKd] = queryParams('keydelivery');

			sandbox.requests.length = 0;
			expect((await kuaidi100Node({ carrierCode: 'yuantong', trackingNumber: 'YT7450353838751', queryOptions: { resultv2: '0' } })).error).toBeUndefined();
			expect((await keyDeliveryNode({ carrierId: 'usps', trackingNumber: 'LY811679807CN' })).error).toBeUndefined();
			const [nodeK100] = queryParams('kuaidi100');
			const [nodeKd] = queryParams('keydelivery');

			expect(exporterK100).not.toHaveProperty('resultv2');
			expect(exporterK100).toEqual(nodeK100);
			expect(exporterKd).toEqual(nodeKd);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});
