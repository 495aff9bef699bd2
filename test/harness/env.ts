/**
 * Side-effect module: must be imported before anything touches n8n-core's DI container.
 *
 * Every n8n-core node execution context resolves `InstanceSettings`, which on first use reads
 * or creates `<N8N_USER_FOLDER>/.n8n/config` (holding the instance encryption key). Point it at
 * a fixed folder under the OS temp dir so tests never write into the developer's ~/.n8n, and
 * create the file up front with an atomic rename: parallel vitest workers would otherwise race
 * to create it, and a reader could see it half-written.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	const folder = join(tmpdir(), `n8n-nodes-kuaidi100-harness-${process.getuid?.() ?? 'user'}`);
	const configFile = join(folder, '.n8n', 'config');
	if (!existsSync(configFile)) {
		mkdirSync(join(folder, '.n8n'), { recursive: true, mode: 0o700 });
		const partial = `${configFile}.${process.pid}`;
		writeFileSync(partial, JSON.stringify({ encryptionKey: 'n8n-test-harness-only' }), { mode: 0o600 });
		renameSync(partial, configFile);
	}
	process.env.N8N_USER_FOLDER = folder;
}
// n8n's logger defaults to `info` and is chatty about every node run; keep test output clean
// unless the developer asks for more.
process.env.N8N_LOG_LEVEL ??= 'warn';
