import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR, N8N_VERSION, REPO_ROOT } from './paths';
import { childEnv, runOk } from './processes';

export interface N8nInstall {
	/** Folder holding the Node 22 `node` and `npm` n8n runs with. */
	nodeBinDir: string;
	/** The n8n CLI entry (a shell shim that runs with the `node` first on PATH). */
	n8nBin: string;
	version: string;
}

/**
 * Installs (or reuses) Node 22 and n8n in the cache folder, keyed by n8n version.
 * The install script is idempotent and takes 3-4 minutes only the first time.
 */
export async function ensureN8n(): Promise<N8nInstall> {
	const script = path.join(REPO_ROOT, 'scripts/e2e-install-n8n.sh');
	const result = await runOk('bash', [script], {
		env: { ...childEnv(), E2E_CACHE_DIR: CACHE_DIR, E2E_N8N_VERSION: N8N_VERSION },
		timeoutMs: 15 * 60_000,
	});
	const value = (name: string) => {
		const match = new RegExp(`^${name}=(.*)$`, 'm').exec(result.stdout);
		if (!match) throw new Error(`install script did not report ${name}:\n${result.output}`);
		return match[1].trim();
	};
	const install = { nodeBinDir: value('NODE_BIN_DIR'), n8nBin: value('N8N_BIN'), version: N8N_VERSION };
	if (!fs.existsSync(path.join(install.nodeBinDir, 'node'))) throw new Error(`no node in ${install.nodeBinDir}`);
	if (!fs.existsSync(install.n8nBin)) throw new Error(`no n8n at ${install.n8nBin}`);
	return install;
}
