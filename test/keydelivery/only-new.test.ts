import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyDeliveryApi } from '../../credentials/KeyDeliveryApi.credentials';
import { KeyDelivery } from '../../nodes/KeyDelivery/KeyDelivery.node';
import { eventDedupKey, milestoneDedupKey } from '../../src/core/keys';
import type { Sandbox } from '../../src/sandbox';
import { harnessDeduplicator } from '../harness/deduplication';
import { executeNode } from '../harness/n8n';
import { ACCOUNT, getTrackingParameters, PATHS, requestsTo, startKeyDeliverySandbox, USPS } from './helpers';

let sandbox: Sandbox;

beforeEach(async () => {
	sandbox = await startKeyDeliverySandbox({ revealSteps: 3 });
});
afterEach(async () => {
	harnessDeduplicator.latencyMs = 0;
	await sandbox.close();
});

/** Runs of one KeyDelivery node of one saved workflow (same node id: same memory). */
function node(nodeId = randomUUID()) {
	return async (extra: Record<string, unknown>) => {
		const result = await executeNode({
			nodeType: new KeyDelivery(),
			nodeId,
			credentialTypes: [new KeyDeliveryApi()],
			credentials: { keyDeliveryApi: { ...ACCOUNT, baseUrl: sandbox.keyDeliveryBaseUrl } },
			parameters: getTrackingParameters(USPS, extra as never),
			mode: 'trigger',
		});
		expect(result.error).toBeUndefined();
		return result.items.map((item) => item.json);
	};
}

describe('KeyDelivery Get Tracking: Only New', () => {
	it('outputs each event once across executions, with dedup_key', async () => {
		const run = node();
		const first = await run({ output: 'events', onlyNew: true });
		expect(first.map((e) => e.status_code)).toEqual(['1002', '1', '101']);
		expect(first.map((e) => e.dedup_key)).toEqual(first.map((e) => eventDedupKey(String(e.event_id))));
		expect(await run({ output: 'events', onlyNew: true })).toEqual([]);
		sandbox.advance(2);
		expect((await run({ output: 'events', onlyNew: true })).map((e) => e.status_code)).toEqual(['11', '10']);
		expect(requestsTo(sandbox, PATHS.realtime)).toHaveLength(3);
	});

	it('with the delivered milestone: the parcel once, when it is delivered; executions that meet output it once', async () => {
		const run = node();
		const delivered = { onlyNew: true, emitOn: 'milestones', milestones: ['delivered'] };
		expect(await run(delivered)).toEqual([]);
		sandbox.advance(7);
		harnessDeduplicator.latencyMs = 40;
		const items = (await Promise.all([run(delivered), run(delivered), run(delivered)])).flat();
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			provider: 'keydelivery',
			tracking_number: USPS.trackingNumber,
			shipment_status: 'delivered',
			matched_milestone: 'delivered',
			dedup_key: milestoneDedupKey('keydelivery', 'usps', USPS.trackingNumber, 'delivered'),
		});
		expect(await run(delivered)).toEqual([]);
	});
});
