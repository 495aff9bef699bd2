import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR, N8N_LINE, REPO_ROOT } from './paths';
import { childEnv, runOk } from './processes';

export interface N8nInstall {
	/** Folder holding the `node` and `npm` this n8n line runs with (Node 22 or 24). */
	nodeBinDir: string;
	/** The n8n CLI entry (a shell shim that runs with the `node` first on PATH). */
	n8nBin: string;
	version: string;
	line: 1 | 2;
}

/**
 * Installs (or reuses) the Node and n8n of the line under test (E2E_N8N_LINE) in the
 * cache folder, from the lock file committed in test/e2e/n8n-lines. About 5 minutes
 * the first time, instant afterwards.
 */
export async function ensureN8n(line: 1 | 2 = N8N_LINE): Promise<N8nInstall> {
	const script = path.join(REPO_ROOT, 'scripts/e2e-install-n8n.sh');
	const result = await runOk('bash', [script, String(line)], {
		env: { ...childEnv(), E2E_CACHE_DIR: CACHE_DIR },
		timeoutMs: 20 * 60_000,
	});
	const value = (name: string) => {
		const match = new RegExp(`^${name}=(.*)$`, 'm').exec(result.stdout);
		if (!match) throw new Error(`install script did not report ${name}:\n${result.output}`);
		return match[1].trim();
	};
	const install = { nodeBinDir: value('NODE_BIN_DIR'), n8nBin: value('N8N_BIN'), version: value('N8N_VERSION'), line };
	if (!fs.existsSync(path.join(install.nodeBinDir, 'node'))) throw new Error(`no node in ${install.nodeBinDir}`);
	if (!fs.existsSync(install.n8nBin)) throw new Error(`no n8n at ${install.n8nBin}`);
	return install;
}
