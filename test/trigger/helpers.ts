/**
 * Shared setup for the Tracking Webhook Trigger tests: the trigger is served by the
 * n8n harness (real WebhookContext, n8n-like body parsing, real HTTP on 127.0.0.1),
 * and pushes are built by the sandbox exactly as the services send them.
 */
import { expect } from 'vitest';
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { Kuaidi100Api } from '../../credentials/Kuaidi100Api.credentials';
import { TrackingWebhookTrigger } from '../../nodes/TrackingWebhookTrigger/TrackingWebhookTrigger.node';
import {
	buildKeyDeliveryWebhook,
	buildKuaidi100Push,
	renderKuaidi100Result,
	sampleShipments,
	type BuiltPush,
	type Kuaidi100PushInput,
	type KeyDeliveryWebhookInput,
	type SandboxShipment,
} from '../../src/sandbox';
import { runWebhook, type WebhookCallResult, type WebhookHandle } from '../harness/n8n';

/** The exact replies the services expect. Written out here, not imported from the node. */
export const KUAIDI100_ACK = '{"result":true,"returnCode":"200","message":"成功"}';
export const KEYDELIVERY_ACK = '{"code":200,"message":"success"}';

/** Distinctive secrets, so a leak into items or replies is found by a plain text search. */
export const SALT = 'salt-Zq81-never-in-items';
export const TOKEN = 'tok-9f1c44e2b7a3-never-in-items';
export const CREDENTIAL: ICredentialDataDecryptedObject = {
	customer: 'CUSTOMER-7H2K-SECRET',
	key: 'key-4b1d-SECRET',
	salt: SALT,
};
export const SECRETS = [SALT, TOKEN, String(CREDENTIAL.customer), String(CREDENTIAL.key)];

/** The node's key in workflow static data (n8n: `node:<node name>`). */
export const STATIC_KEY = 'node:Tracking Webhook Trigger';

export function sample(trackingNumber: string): SandboxShipment {
	const found = sampleShipments().find((s) => s.trackingNumber === trackingNumber);
	if (!found) throw new Error(`no sample shipment ${trackingNumber}`);
	return found;
}

/** Kuaidi100 push of the first `visible` events of a shipment, with resultv2=4 as Subscribe asks for. */
export function kuaidi100Push(
	shipment: SandboxShipment,
	input: Partial<Omit<Kuaidi100PushInput, 'lastResult'>> & { visible?: number } = {},
): BuiltPush & { param: string; sign?: string } {
	const { visible, ...rest } = input;
	return buildKuaidi100Push({
		status: 'polling',
		salt: SALT,
		...rest,
		lastResult: renderKuaidi100Result(shipment, { resultv2: '4', lang: 'en', visible }),
	});
}

export function keyDeliveryWebhook(shipment: SandboxShipment, input: Partial<KeyDeliveryWebhookInput> & { visible?: number } = {}) {
	const { visible, ...rest } = input;
	return buildKeyDeliveryWebhook({
		carrier_id: shipment.carrier,
		tracking_number: shipment.trackingNumber,
		events: shipment.timeline.slice(0, visible ?? shipment.timeline.length),
		...rest,
	});
}

/** The request init for a built push: its own content type and exact bytes. */
export function asRequest(push: BuiltPush): { headers: Record<string, string>; body: string } {
	return { headers: { 'content-type': push.contentType }, body: push.body };
}

export interface TriggerSetup {
	parameters?: INodeParameters;
	/** Default: the Kuaidi100 credential with a salt. `null`: no credential chosen. */
	credential?: ICredentialDataDecryptedObject | null;
	staticData?: IDataObject;
	mode?: 'webhook' | 'manual';
	/** n8n creating the execution; throw to play a database that refuses it. */
	createExecution?: () => void | Promise<void>;
}

export async function startTrigger(setup: TriggerSetup = {}): Promise<WebhookHandle> {
	const credential = setup.credential === undefined ? CREDENTIAL : setup.credential;
	return await runWebhook({
		nodeType: new TrackingWebhookTrigger(),
		credentialTypes: [new Kuaidi100Api()],
		credentials: credential === null ? undefined : { kuaidi100Api: credential },
		parameters: setup.parameters ?? {},
		staticData: setup.staticData,
		mode: setup.mode,
		createExecution: setup.createExecution,
	});
}

/** Runs `fn` against a served trigger and always closes the server. */
export async function withTrigger(setup: TriggerSetup, fn: (hook: WebhookHandle) => Promise<void>): Promise<void> {
	const hook = await startTrigger(setup);
	try {
		await fn(hook);
	} finally {
		await hook.close();
	}
}

/** The items that would start the workflow (main output 0), as plain JSON. */
export function emitted(result: WebhookCallResult): IDataObject[] {
	return (result.workflowData?.[0] ?? []).map((item) => item.json);
}

/**
 * The node's reply: status, exact body, JSON content type; no secret in items or reply.
 * A push that starts the workflow is answered from inside the execution (the trigger's
 * execute()), any other by webhook() itself.
 */
export function expectReply(result: WebhookCallResult, status: number, body: string): void {
	expect(result.error).toBeUndefined();
	expect({ status: result.status, body: result.bodyText }).toEqual({ status, body });
	expect(result.headers['content-type']).toMatch(/^application\/json/);
	if (result.workflowData === undefined) expect(result.noWebhookResponse).toBe(true);
	else expect({ noWebhookResponse: result.noWebhookResponse, executed: result.executed }).toEqual({ noWebhookResponse: false, executed: true });
	expectNoSecrets(result);
}

/** A rejected call: the node's own status and JSON body, no execution, no secret in the reply. */
export function expectRejected(result: WebhookCallResult, status: number, body: IDataObject): void {
	expect(result.error).toBeUndefined();
	expect(result.status).toBe(status);
	expect(JSON.parse(result.bodyText)).toEqual(body);
	expect(result.noWebhookResponse).toBe(true);
	expect(result.workflowData).toBeUndefined();
	expectNoSecrets(result);
}

/** Neither the items nor the reply carry the salt, the token or the API credentials. */
export function expectNoSecrets(result: WebhookCallResult): void {
	const text = JSON.stringify(result.workflowData ?? null) + result.bodyText;
	for (const secret of SECRETS) expect(text).not.toContain(secret);
}

/** Static data as n8n saves it: survives a JSON round trip unchanged. */
export function expectJsonSafe(staticData: IDataObject): void {
	expect(JSON.parse(JSON.stringify(staticData))).toEqual(staticData);
}

export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
