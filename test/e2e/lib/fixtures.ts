import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CredentialFixture, WorkflowFixture } from './n8n';
import { REPO_ROOT } from './paths';

export const FIXTURES_DIR = path.resolve(__dirname, '../fixtures');

export const TRIGGER_TYPE = 'n8n-nodes-kuaidi100.trackingWebhookTrigger';

/** The path the trigger's webhook description declares. */
export const TRIGGER_PATH = 'tracking';

/**
 * A workflow fixture from test/e2e/fixtures, with `%NAME%` placeholders in its
 * strings replaced by `vars` (URLs that depend on ports chosen at run time).
 */
export function loadWorkflow(file: string, vars: Record<string, string> = {}): WorkflowFixture {
	const text = fs.readFileSync(path.join(FIXTURES_DIR, file), 'utf8');
	return fill(JSON.parse(text) as WorkflowFixture, vars);
}

/** A workflow of the repository's examples/ folder, as a user would import it. */
export function loadExample(file: string): WorkflowFixture {
	return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowFixture;
}

export function fill<T>(value: T, vars: Record<string, string>): T {
	if (typeof value === 'string') {
		return value.replace(/%([A-Z0-9_]+)%/g, (all, name: string) => {
			if (!(name in vars)) throw new Error(`fixture placeholder ${all} has no value`);
			return vars[name];
		}) as T;
	}
	if (Array.isArray(value)) return value.map((entry) => fill(entry, vars)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, fill(entry, vars)])) as T;
	}
	return value;
}

/**
 * Points every credential reference of a workflow at the suite's own credentials,
 * by credential type, the way a user picks their credentials after importing an
 * example. A reference to a type the suite has no credential for is an error.
 */
export function useCredentials(workflow: WorkflowFixture, credentials: CredentialFixture[]): WorkflowFixture {
	const byType = new Map(credentials.map((credential) => [credential.type, credential]));
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		const refs = node.credentials as Record<string, { id: string; name: string }> | undefined;
		if (!refs) continue;
		for (const type of Object.keys(refs)) {
			const mine = byType.get(type);
			if (!mine) throw new Error(`workflow "${workflow.name}", node "${String(node.name)}": no e2e credential of type ${type}`);
			refs[type] = { id: mine.id, name: mine.name };
		}
	}
	return copy;
}

export function triggerNode(workflow: WorkflowFixture): Record<string, unknown> {
	const triggers = workflow.nodes.filter((node) => node.type === TRIGGER_TYPE);
	if (triggers.length !== 1) throw new Error(`workflow "${workflow.name}" has ${triggers.length} tracking webhook triggers`);
	return triggers[0];
}

/** The production webhook path of a workflow's tracking trigger: /webhook/<webhookId>/tracking. */
export function triggerPath(workflow: WorkflowFixture): string {
	const webhookId = triggerNode(workflow).webhookId;
	if (typeof webhookId !== 'string' || !webhookId) throw new Error(`workflow "${workflow.name}": trigger has no webhookId`);
	return `/webhook/${webhookId}/${TRIGGER_PATH}`;
}
