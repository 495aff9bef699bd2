import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../exit-codes';

/** Written into a folder the demo created; only such a folder is ever deleted whole. */
export const DEMO_MARKER = '.tracking-export-demo';
/** The runs' JSON log lines, in the demo's folder (unless --json-logs prints them). */
export const DEMO_LOG = 'demo.log';
/** What the demo writes into its folder. */
const DEMO_ENTRIES = new Set(['s3', 'shipments.csv', 'state.json', 'state.journal.json', DEMO_LOG, DEMO_MARKER]);

/**
 * Gets the demo's folder ready without ever deleting what the demo did not make:
 * a folder it created (marker inside) is wiped and made again; a folder that
 * exists already may hold only the demo's own files, and loses only those.
 */
export async function prepareDemoDir(dir: string, keep: boolean): Promise<void> {
	const stat = await fs.stat(dir).catch((error: NodeJS.ErrnoException) => {
		if (error.code === 'ENOENT') return null;
		throw error;
	});
	if (stat === null) {
		await fs.mkdir(dir, { recursive: true });
		await fs.writeFile(path.join(dir, DEMO_MARKER), 'created by tracking-export demo; the demo may delete this folder\n');
		return;
	}
	if (!stat.isDirectory()) throw new ConfigError(`--dir ${dir} is a file, not a folder: give a new folder for the demo`);
	const entries = await fs.readdir(dir);
	if (keep) return;
	if (entries.includes(DEMO_MARKER)) {
		await fs.rm(dir, { recursive: true, force: true });
		await prepareDemoDir(dir, keep);
		return;
	}
	const foreign = entries.filter((name) => !DEMO_ENTRIES.has(name) && !name.endsWith('.tmp'));
	if (foreign.length > 0) {
		const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? ', ...' : '');
		throw new ConfigError(
			`--dir ${dir} holds files the demo did not write (${shown}); the demo deletes nothing it did not create: give a new or empty folder`,
		);
	}
	for (const name of entries) await fs.rm(path.join(dir, name), { recursive: true, force: true });
}
