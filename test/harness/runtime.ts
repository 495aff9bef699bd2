/**
 * The n8n-workflow module instance that n8n-core itself uses.
 *
 * n8n-workflow ships both an ESM and a CJS build. n8n-core is CommonJS and `require()`s the
 * CJS one, while an `import` under vitest resolves to the ESM one: two copies of every class,
 * so `instanceof NodeApiError` (and n8n-core's own `instanceof Node` checks) silently fail
 * across them. The harness therefore takes its runtime values from the same `require` n8n-core
 * uses. Node code under test additionally needs vitest to alias `n8n-workflow` to
 * `require.resolve('n8n-workflow')`; the "module identity" test in harness.test.ts checks it.
 */
import './env';

import { createRequire } from 'node:module';
import type * as N8nWorkflow from 'n8n-workflow';

const load = createRequire(__filename);

export const workflowRuntime = load('n8n-workflow') as typeof N8nWorkflow;

/** Loads a package n8n-core depends on (e.g. xml2js) from n8n-core's own install. */
export function loadCoreDependency<T>(name: string): T {
	const fromCore = createRequire(load.resolve('n8n-core'));
	return fromCore(name) as T;
}
