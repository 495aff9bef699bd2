import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/exporter/intake/settings';

const README = readFileSync(path.resolve(__dirname, '../..', 'README.md'), 'utf8');

describe("the README's exporter settings table", () => {
	it('has a row for every setting, with its flag and environment variable (config.ts is the one list)', () => {
		const rows = README.split('\n').filter((line) => line.startsWith('| `'));
		const missing: string[] = [];
		for (const setting of SETTINGS) {
			const row = rows.find((line) => line.split('|')[1].includes(`\`${setting.path}\``));
			if (!row) {
				missing.push(`${setting.path}: no row`);
				continue;
			}
			if (setting.flag && !row.includes(`\`--${setting.flag}\``)) missing.push(`${setting.path}: flag --${setting.flag} not in its row`);
			if (setting.env && !row.includes(setting.env)) missing.push(`${setting.path}: ${setting.env} not in its row`);
		}
		expect(missing).toEqual([]);
	});
});
