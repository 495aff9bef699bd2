import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../exit-codes';
import { SETTINGS } from './settings';

/** The value at a dotted path of the file (`s3.endpoint`). */
export function getPath(source: unknown, dotted: string): unknown {
	let node = source;
	for (const part of dotted.split('.')) {
		if (typeof node !== 'object' || node === null) return undefined;
		node = (node as Record<string, unknown>)[part];
	}
	return node;
}

/** Rejects unknown keys (a typo would otherwise be silently ignored). */
function checkKeys(file: Record<string, unknown>, origin: string): void {
	const known = new Set(SETTINGS.map((s) => s.path));
	const groups = new Set(SETTINGS.filter((s) => s.path.includes('.')).map((s) => s.path.split('.')[0]));
	for (const [key, value] of Object.entries(file)) {
		if (key === '$schema' || key.startsWith('//')) continue;
		if (groups.has(key)) {
			if (typeof value !== 'object' || value === null || Array.isArray(value)) {
				throw new ConfigError(`${origin}: "${key}" must be an object`);
			}
			for (const inner of Object.keys(value)) {
				if (!known.has(`${key}.${inner}`)) {
					const allowed = SETTINGS.filter((s) => s.path.startsWith(`${key}.`)).map((s) => s.path.split('.')[1]);
					throw new ConfigError(`${origin}: unknown setting "${key}.${inner}" (known: ${allowed.join(', ')})`);
				}
			}
		} else if (!known.has(key)) {
			const allowed = [...new Set(SETTINGS.map((s) => s.path.split('.')[0]))];
			throw new ConfigError(`${origin}: unknown setting "${key}" (known: ${allowed.join(', ')})`);
		}
	}
}

/** The JSON config file, its keys checked; a warning when it holds secrets others can read. */
export async function readConfigFile(file: string, warnings: string[]): Promise<Record<string, unknown>> {
	let text: string;
	try {
		text = await fs.readFile(file, 'utf8');
	} catch (error) {
		throw new ConfigError(`Cannot read the config file ${file}: ${(error as Error).message}`, { cause: error });
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new ConfigError(`The config file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new ConfigError(`The config file ${file} must hold a JSON object`);
	}
	checkKeys(parsed as Record<string, unknown>, `config file ${file}`);
	const hasSecret = SETTINGS.some((s) => s.secret && getPath(parsed, s.path));
	if (hasSecret && process.platform !== 'win32') {
		try {
			const mode = (await fs.stat(file)).mode;
			if (mode & 0o077) {
				warnings.push(`The config file ${path.basename(file)} holds secrets but other users can read it: chmod 600 it`);
			}
		} catch {
			// The file was just read; a failing stat changes nothing.
		}
	}
	return parsed as Record<string, unknown>;
}
