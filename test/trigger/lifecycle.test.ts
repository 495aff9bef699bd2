/**
 * Issue 4, the webhook lifecycle: a passive receiver. n8n calls checkExists / create
 * on activation and delete on deactivation; they must succeed without any remote call
 * (the services learn the URL from Subscribe / Create Tracking).
 */
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IHookFunctions } from 'n8n-workflow';

import { TrackingWebhookTrigger } from '../../nodes/TrackingWebhookTrigger/TrackingWebhookTrigger.node';

/** A hook context that records every member the method touches and fails on any use. */
function recordingContext(): { context: IHookFunctions; touched: string[] } {
	const touched: string[] = [];
	const context = new Proxy({} as IHookFunctions, {
		get(_target, name) {
			touched.push(String(name));
			throw new Error(`webhookMethods must not use this.${String(name)}`);
		},
	});
	return { context, touched };
}

/** Any outgoing connection (fetch, http, https) during a test is recorded and refused. */
const outgoing: string[] = [];
const nodeRequire = createRequire(__filename);
beforeEach(() => {
	outgoing.length = 0;
	const refuse = (what: string) => () => {
		outgoing.push(what);
		throw new Error(`no network calls expected (${what})`);
	};
	vi.stubGlobal('fetch', vi.fn(refuse('fetch')));
	for (const name of ['node:http', 'node:https']) {
		const module = nodeRequire(name) as typeof import('node:http');
		vi.spyOn(module, 'request').mockImplementation(refuse(`${name} request`));
		vi.spyOn(module, 'get').mockImplementation(refuse(`${name} get`));
	}
});
afterEach(() => {
	vi.unstubAllGlobals();
	vi.restoreAllMocks();
	expect(outgoing).toEqual([]);
});

describe('Tracking Webhook Trigger: webhook lifecycle', () => {
	const methods = new TrackingWebhookTrigger().webhookMethods.default;

	it('checkExists resolves false, so n8n always calls create on activation', async () => {
		const { context, touched } = recordingContext();
		await expect(methods.checkExists.call(context)).resolves.toBe(false);
		expect(touched).toEqual([]);
	});

	it('create resolves true without registering anything remotely', async () => {
		const { context, touched } = recordingContext();
		await expect(methods.create.call(context)).resolves.toBe(true);
		expect(touched).toEqual([]);
	});

	it('delete resolves true without any remote call', async () => {
		const { context, touched } = recordingContext();
		await expect(methods.delete.call(context)).resolves.toBe(true);
		expect(touched).toEqual([]);
	});

	it('declares one POST webhook answered by the node: by execute() once the execution exists, else by webhook()', () => {
		const { description } = new TrackingWebhookTrigger();
		expect(description.webhooks).toEqual([
			expect.objectContaining({ name: 'default', httpMethod: 'POST', responseMode: 'responseNode', path: 'tracking' }),
		]);
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(typeof new TrackingWebhookTrigger().execute).toBe('function');
		const credential = description.credentials?.find((c) => c.name === 'kuaidi100Api');
		expect(credential?.required).toBe(false);
	});
});
