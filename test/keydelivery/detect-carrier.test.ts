import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleShipments, type Sandbox } from '../../src/sandbox';
import { PATHS, expectedSignature, jsonItems, requestsTo, runNode, startKeyDeliverySandbox } from './helpers';

describe('KeyDelivery node: Detect Carrier', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startKeyDeliverySandbox({
			// A second carrier whose numbers look like USPS's (same prefix and length): two candidates.
			shipments: [
				...sampleShipments(),
				{ provider: 'keydelivery', carrier: 'yanwen', trackingNumber: 'LY900000001CN', timeline: [] },
			],
		});
	});
	afterAll(async () => await sandbox.close());

	it('signs {tracking_number} and outputs the best guess with every candidate, most likely first', async () => {
		const result = await runNode(sandbox, {
			parameters: { operation: 'detectCarrier', trackingNumber: 'LY811679807CN' },
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					tracking_number: 'LY811679807CN',
					carrier_id: 'usps',
					carrier_name: 'USPS',
					candidates: [
						{ carrier_id: 'usps', carrier_name: 'USPS' },
						{ carrier_id: 'yanwen', carrier_name: 'Yanwen' },
					],
				},
				pairedItem: { item: 0 },
			},
		]);
		const [request] = requestsTo(sandbox, PATHS.detect).slice(-1);
		expect(request.rawBody).toBe('{"tracking_number":"LY811679807CN"}');
		expect(request.headers.signature).toBe(expectedSignature(request.rawBody));
	});

	it('detects per item with expressions, keeping input order and pairedItem', async () => {
		const result = await runNode(sandbox, {
			parameters: { operation: 'detectCarrier', trackingNumber: '={{ $json.tn }}' },
			items: jsonItems([{ tn: '9926933413' }, { tn: '772345678901' }, { tn: '1Z999AA10123456784' }]),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.tracking_number, i.json.carrier_id, i.json.carrier_name, i.pairedItem])).toEqual([
			['9926933413', 'dhl', 'DHL Express', { item: 0 }],
			['772345678901', 'fedex', 'FedEx', { item: 1 }],
			['1Z999AA10123456784', 'ups', 'UPS', { item: 2 }],
		]);
	});

	it('a number no carrier matches is error 406 of that item, with what to do', async () => {
		const before = requestsTo(sandbox, PATHS.detect).length;
		const result = await runNode(sandbox, { parameters: { operation: 'detectCarrier', trackingNumber: 'QQ0000' } });
		expect(result.items).toEqual([]);
		expect(result.error?.message).toBe('KeyDelivery error 406 in item 0: The carrier cannot be detected for this tracking number');
		expect(result.error?.description).toMatch(/carrier id yourself/);
		expect(requestsTo(sandbox, PATHS.detect).length - before).toBe(1);
	});
});
