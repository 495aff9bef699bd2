import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The version in the package's own package.json: the nearest one named
 * tracking-export above this file (the sources, dist/ in a clone, or the
 * installed package alike).
 */
export function packageVersion(from: string = __dirname): string {
	for (let dir = from; ; dir = path.dirname(dir)) {
		const file = path.join(dir, 'package.json');
		if (existsSync(file)) {
			const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
			if (manifest.name === 'tracking-export' && manifest.version) return manifest.version;
		}
		if (path.dirname(dir) === dir) throw new Error(`No package.json of tracking-export above ${from}`);
	}
}
