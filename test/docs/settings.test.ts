import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/exporter/intake/settings';
import { EXPORTER_README, blocks, read } from './markdown';

const README = read(EXPORTER_README);

describe("the exporter README's settings", () => {
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

	it('the config file it shows uses only settings the exporter knows (it rejects unknown keys)', () => {
		const configs = blocks(README).filter((block) => block.lang === 'json' && block.text.includes('"shipments"'));
		expect(configs.length).toBeGreaterThan(0);
		const known = new Set(SETTINGS.map((setting) => setting.path));
		for (const config of configs) {
			const file = JSON.parse(config.text) as Record<string, unknown>;
			const paths = Object.entries(file).flatMap(([key, value]) =>
				value && typeof value === 'object' ? Object.keys(value).map((inner) => `${key}.${inner}`) : [key],
			);
			expect(paths.filter((setting) => !known.has(setting))).toEqual([]);
		}
	});
});
