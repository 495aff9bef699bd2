/**
 * Issue 20 at the engine level: a push that starts the workflow is acknowledged from
 * inside its execution (the trigger's execute()), so when n8n cannot create the
 * execution the service gets n8n's 500 instead of the ack, and the trigger does not
 * remember the parcel: the service's retry fires. Static data is saved as n8n saves it:
 * only when the request did not fail.
 */
import { describe, expect, it } from 'vitest';
import type { IDataObject } from 'n8n-workflow';

import type { SandboxShipment } from '../../src/sandbox';
import type { WebhookCallResult } from '../harness/n8n';
import { asRequest, expectReply, kuaidi100Push, KUAIDI100_ACK, sample, withTrigger } from './helpers';

const DELIVERED_ONLY = { triggerOn: 'milestones', milestones: ['delivered'] };
const parcel = (i: number): SandboxShipment => ({ ...sample('YT7450353838751'), trackingNumber: `YTACK${String(i).padStart(8, '0')}` });
const deliveredPush = (shipment: SandboxShipment) => asRequest(kuaidi100Push(shipment, { status: 'shutdown' }));

describe('Tracking Webhook Trigger: an acked push is a promise', () => {
	it('n8n cannot create the execution: the service gets 500 (not the ack), and the retry fires', async () => {
		let refuse = true;
		const staticData: IDataObject = {};
		await withTrigger(
			{ staticData, parameters: DELIVERED_ONLY, createExecution: () => { if (refuse) throw new Error('SQLITE_BUSY: database is locked'); } },
			async (hook) => {
				const push = deliveredPush(parcel(1));
				const refused = await hook.post(undefined, push);
				expect(refused.status).toBe(500);
				expect(refused.bodyText).not.toBe(KUAIDI100_ACK);
				expect(refused.executed).toBe(false);
				expect(staticData).toEqual({}); // n8n saves nothing for a failed request

				refuse = false;
				const retried = await hook.post(undefined, push);
				expectReply(retried, 200, KUAIDI100_ACK);
				expect(retried.executed).toBe(true);
				expect(retried.workflowData?.[0]).toHaveLength(1);

				const again = await hook.post(undefined, push);
				expectReply(again, 200, KUAIDI100_ACK);
				expect(again.workflowData).toBeUndefined();
			},
		);
	});

	it('30 parcels 10 at a time, ten of them refused by the database: acked parcels are exactly the executed ones, and the refused ones fire when pushed again', async () => {
		const parcels = Array.from({ length: 30 }, (_, i) => parcel(100 + i));
		const refusedNumbers = new Set(parcels.filter((_, i) => i % 3 === 0).map((p) => p.trackingNumber));
		let failNext = 0;
		const staticData: IDataObject = {};
		// The harness serves requests in arrival order; refusing by count keeps it independent of timing.
		const outcomes = new Map<string, WebhookCallResult>();
		await withTrigger(
			{
				staticData,
				parameters: DELIVERED_ONLY,
				createExecution: () => {
					if (failNext > 0) {
						failNext--;
						throw new Error('SQLITE_BUSY: database is locked');
					}
				},
			},
			async (hook) => {
				for (let i = 0; i < parcels.length; i += 10) {
					const wave = parcels.slice(i, i + 10);
					const results = await Promise.all(
						wave.map(async (p) => {
							if (refusedNumbers.has(p.trackingNumber)) failNext++;
							return [p.trackingNumber, await hook.post(undefined, deliveredPush(p))] as const;
						}),
					);
					for (const [number, result] of results) outcomes.set(number, result);
				}
				const acked = [...outcomes].filter(([, r]) => r.status === 200 && r.bodyText === KUAIDI100_ACK).map(([n]) => n);
				const executed = [...outcomes].filter(([, r]) => r.executed).map(([n]) => n);
				const notAcked = [...outcomes].filter(([, r]) => r.status !== 200).map(([n]) => n);
				expect(acked.sort()).toEqual(executed.sort());
				expect(notAcked).toHaveLength(refusedNumbers.size);
				for (const [, result] of outcomes) if (result.status !== 200) expect(result.status).toBe(500);

				// The services send every push that got no ack again: each one fires now, once.
				const retries = await Promise.all(notAcked.map(async (n) => await hook.post(undefined, deliveredPush(parcels.find((p) => p.trackingNumber === n)!))));
				for (const result of retries) {
					expectReply(result, 200, KUAIDI100_ACK);
					expect(result.executed).toBe(true);
				}
				const repeats = await Promise.all(parcels.map(async (p) => await hook.post(undefined, deliveredPush(p))));
				expect(repeats.filter((r) => r.workflowData !== undefined)).toHaveLength(0);
			},
		);
		// After a restart (a new process memory, the saved static data) nothing fires again either.
		await withTrigger({ staticData, parameters: DELIVERED_ONLY }, async (hook) => {
			const repeats = await Promise.all(parcels.map(async (p) => await hook.post(undefined, deliveredPush(p))));
			expect(repeats.filter((r) => r.workflowData !== undefined)).toHaveLength(0);
		});
	});
});
