import type { N8nInstall } from './install';
import { ensureN8n } from './install';

/** The n8n line under test (the runner sets E2E_N8N_LINE): 1 = 1.123.81 on Node 22, 2 = 2.41.1 on Node 24. */
export const E2E_LINE: 1 | 2 = process.env.E2E_N8N_LINE === '2' ? 2 : 1;

/**
 * The n8n to run: `ensureN8n()`, or, to iterate by hand on an install that already
 * exists, the one named by E2E_N8N_BIN and E2E_NODE_BIN_DIR.
 */
export async function n8nInstall(): Promise<N8nInstall> {
	const n8nBin = process.env.E2E_N8N_BIN;
	const nodeBinDir = process.env.E2E_NODE_BIN_DIR;
	if (n8nBin && nodeBinDir) return { n8nBin, nodeBinDir, version: `line ${E2E_LINE}` } as N8nInstall;
	return await ensureN8n();
}
