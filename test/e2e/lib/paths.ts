import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export const N8N_VERSION = process.env.E2E_N8N_VERSION ?? '1.123.81';

export const CACHE_DIR =
	process.env.E2E_CACHE_DIR ??
	path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'n8n-nodes-kuaidi100-e2e');
