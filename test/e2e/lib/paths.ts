import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The n8n line under test: 1 (n8n 1.123.81, Node 22) or 2 (n8n 2.41.1, Node 24). */
export const N8N_LINE: 1 | 2 = process.env.E2E_N8N_LINE === '2' ? 2 : 1;

export const CACHE_DIR =
	process.env.E2E_CACHE_DIR ??
	path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'n8n-nodes-kuaidi100-e2e');
