/**
 * What a reader copies from the READMEs and docs works: every YAML and JSON block and
 * every example file parses; the versions and Node versions stated agree with the
 * packages; and the commands that run offline do, exactly as written: `npm run demo`,
 * `tracking-export --help` and `--version`, and the DuckDB load against the demo's export.
 */
import { execFile } from 'node:child_process';
import { compiled } from '../exporter/compiled';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DOCUMENTS, EXPORTER_README, ROOT, blocks, filesUnder, read } from './markdown';

const run = promisify(execFile);
const rootPackage = JSON.parse(read('package.json')) as { version: string; engines: { node: string } };
const exporterPackage = JSON.parse(read('src/exporter/package.json')) as { version: string; engines: { node: string }; bin: Record<string, string> };

/** ">=20.15" → "20.15". */
function minimumNode(range: string): string {
	const match = /^>=\s*(\d+(?:\.\d+)?)(?:\.0)?$/.exec(range.trim());
	if (!match) throw new Error(`engines.node "${range}" is not of the form >=X[.Y]`);
	return match[1];
}

describe('every YAML and JSON block in the READMEs and docs parses', () => {
	for (const document of DOCUMENTS) {
		const parsable = blocks(read(document)).filter((block) => ['json', 'yaml', 'yml'].includes(block.lang));
		for (const [index, block] of parsable.entries()) {
			it(`${document}: ${block.lang} block ${index + 1} (under "${block.heading}")`, () => {
				const value: unknown = block.lang === 'json' ? JSON.parse(block.text) : parseYaml(block.text, { strict: true, uniqueKeys: true });
				expect(value).toBeTypeOf('object');
			});
		}
	}
});

describe('every file in examples/ parses', () => {
	const examples = readdirSync(path.join(ROOT, 'examples'));
	const ourTypes = new Set<string>();
	beforeAll(async () => {
		// The node types n8n loads from this package: the entry points package.json names, from their sources.
		const entries = (JSON.parse(read('package.json')) as { n8n: { nodes: string[] } }).n8n.nodes;
		for (const entry of entries) {
			const source = path.join(ROOT, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
			for (const exported of Object.values(await import(source))) {
				if (typeof exported !== 'function') continue;
				const name = (new (exported as new () => { description?: { name?: string } })()).description?.name;
				if (name) ourTypes.add(`n8n-nodes-kuaidi100.${name}`);
			}
		}
	}, 60_000);

	it('holds examples, each of a kind this test can read', () => {
		expect(examples.length).toBeGreaterThan(0);
		expect(examples.filter((name) => !/\.(json|csv)$/.test(name))).toEqual([]);
	});

	for (const name of examples.filter((file) => file.endsWith('.json'))) {
		it(`${name} is an n8n workflow whose connections name its nodes and whose package nodes exist`, () => {
			const workflow = JSON.parse(read(`examples/${name}`)) as {
				nodes: Array<{ name: string; type: string; parameters: object }>;
				connections: Record<string, Record<string, Array<Array<{ node: string }>>>>;
			};
			expect(workflow.nodes.length).toBeGreaterThan(0);
			const names = new Set(workflow.nodes.map((node) => node.name));
			const targets = Object.values(workflow.connections).flatMap((outputs) => Object.values(outputs).flat(2).map((link) => link.node));
			for (const node of [...Object.keys(workflow.connections), ...targets]) expect(names, `connection to "${node}"`).toContain(node);
			const packageNodes = workflow.nodes.filter((node) => node.type.startsWith('n8n-nodes-kuaidi100.'));
			expect(packageNodes.length).toBeGreaterThan(0);
			for (const node of packageNodes) expect(ourTypes, `node type ${node.type}`).toContain(node.type);
		});
	}

	for (const name of examples.filter((file) => file.endsWith('.csv'))) {
		it(`${name} is a shipment list with the columns the exporter needs`, () => {
			const rows = parseCsv(read(`examples/${name}`), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
			expect(rows.length).toBeGreaterThan(0);
			for (const column of ['provider', 'carrier', 'tracking_number']) expect(Object.keys(rows[0])).toContain(column);
		});
	}
});

describe('what the documents state agrees with the packages', () => {
	const version = rootPackage.version;
	const exporterReadme = read(EXPORTER_README);

	it('one version: both packages, the CHANGELOG, the version history and the image the exporter README builds', () => {
		expect(exporterPackage.version).toBe(version);
		expect(/^## (\d+\.\d+\.\d+)/m.exec(read('CHANGELOG.md'))?.[1]).toBe(version);
		expect(/^\| (\d+\.\d+\.\d+) \|/m.exec(read('README.md'))?.[1]).toBe(version);
		expect(exporterReadme).toContain(`npm install -g tracking-export@${version}`);
		expect(exporterReadme).toContain(`tracking-export:${version}`);
	});

	it('every "Node.js X or later" is the minimum of one of the two packages\' engines, and each README states its own', () => {
		const minimums = [minimumNode(rootPackage.engines.node), minimumNode(exporterPackage.engines.node)];
		const stated = DOCUMENTS.flatMap((document) =>
			[...read(document).matchAll(/Node(?:\.js)? (\d+(?:\.\d+)?) or (?:later|newer)/g)].map((match) => ({ document, version: match[1] })),
		);
		expect(stated.filter((statement) => !minimums.includes(statement.version))).toEqual([]);
		expect(read('README.md')).toContain(`Node.js ${minimums[0]} or later`);
		expect(read('README.md')).toContain(`Node.js ${minimums[1]} or later`);
		expect(exporterReadme).toContain(`Node.js ${minimums[1]} or later`);
	});

	it('the README stays short enough to act on (at most 250 lines) and puts the n8n user before the contributor', () => {
		const readme = read('README.md');
		expect(readme.split('\n').length).toBeLessThanOrEqual(250);
		const sections = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
		expect(sections.slice(0, 4)).toEqual(['Installation', 'Operations', 'Credentials', 'Compatibility']);
		expect(sections.indexOf('Usage')).toBeLessThan(sections.indexOf('For contributors'));
	});

	it('the Kubernetes recipe: a Node image the exporter runs on, tracking-export, one run at a time', () => {
		const dockerfile = blocks(exporterReadme).find((block) => block.lang === 'dockerfile');
		const major = minimumNode(exporterPackage.engines.node).split('.')[0];
		expect(dockerfile?.text).toMatch(new RegExp(`^FROM node:${major}\\b`, 'm'));
		const cronJobs = blocks(exporterReadme)
			.filter((block) => block.lang === 'yaml')
			.map((block) => parseYaml(block.text) as { kind: string; spec: Record<string, any> })
			.filter((document) => document.kind === 'CronJob');
		expect(cronJobs).toHaveLength(1);
		const spec = cronJobs[0].spec;
		expect(spec.concurrencyPolicy).toBe('Forbid');
		const container = spec.jobTemplate.spec.template.spec.containers[0];
		expect(container.command).toEqual(['tracking-export']);
		expect(container.args.slice(0, 3)).toEqual(['run', '--scheduled-time', 'cron']);
	});
});

describe('the commands a reader copies run offline, as written', () => {
	let demo: { stdout: string; stderr: string };
	let work: string;
	const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
	delete env.NODE_OPTIONS;

	beforeAll(async () => {
		work = mkdtempSync(path.join(tmpdir(), 'docs-snippets-'));
		// The README's contributor command, from the repository root (it builds the exporter first).
		demo = await run('npm', ['run', 'demo'], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
	}, 600_000);
	afterAll(() => rmSync(work, { recursive: true, force: true }));

	it('npm run demo exports offline and prints the object key and the first rows', () => {
		expect(demo.stdout).toMatch(/exports\/tracking\/dt=\d{4}-\d{2}-\d{2}\/\d{8}T\d{6}Z\.csv\.gz/);
		expect(demo.stdout).toContain('event_id,provider,carrier,tracking_number,event_time');
	});

	// The source of the file the package installs as the `tracking-export` command (its
	// package.json "bin"), compiled as the exporter tests run it.
	const source = path.join('src', exporterPackage.bin['tracking-export'].replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	const [bin] = compiled(source);

	it('tracking-export --help lists the commands', async () => {
		const help = await run(process.execPath, [bin, '--help'], { env });
		for (const command of ['run', 'schedule', 'demo']) expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
	});

	it('tracking-export --version prints the version of the package', async () => {
		const version = await run(process.execPath, [bin, '--version'], { env });
		expect(version.stdout.trim()).toBe(exporterPackage.version);
	});

	it("the README's DuckDB load reads the demo's export: every row once, times as timestamps, and a second load adds nothing", async () => {
		const load = blocks(read(EXPORTER_README)).find((block) => block.lang === 'sql' && block.heading === 'DuckDB' && block.text.includes('read_csv'));
		const prefix = 's3://my-bucket/warehouse/tracking_events';
		expect(load?.text).toContain(prefix);

		// The demo's objects as they would sit in S3 (s3rver stores `<key>._S3rver_object`).
		const bucket = path.join(ROOT, '.demo-data', 's3', 'tracking-demo');
		const exported = path.join(work, 'tracking_events');
		const objects = filesUnder(bucket).filter((file) => file.endsWith('.csv.gz._S3rver_object'));
		expect(objects.length).toBeGreaterThan(0);
		let rows: string[][] = [];
		for (const object of objects) {
			const key = path.relative(path.join(bucket, 'exports', 'tracking'), object).replace(/\._S3rver_object$/, '');
			mkdirSync(path.dirname(path.join(exported, key)), { recursive: true });
			cpSync(object, path.join(exported, key));
			rows = rows.concat(parseCsv(gunzipSync(readFileSync(object)), { from_line: 2 }) as string[][]);
		}
		expect(rows.length).toBeGreaterThan(0);

		const db = await DuckDBInstance.create(':memory:');
		const connection = await db.connect();
		try {
			const sql = load!.text.split(prefix).join(exported);
			await connection.run(sql);
			const count = async () => Number((await connection.runAndReadAll('SELECT count(*) AS n FROM tracking_events')).getRowObjects()[0].n);
			expect(await count()).toBe(rows.length);
			const [first] = rows;
			const loaded = (await connection.runAndReadAll(`SELECT epoch_ms(event_time) AS t FROM tracking_events WHERE event_id = '${first[0]}'`)).getRowObjects();
			expect(Number(loaded[0].t)).toBe(Date.parse(first[4]));
			await connection.run(sql);
			expect(await count()).toBe(rows.length);
		} finally {
			connection.closeSync();
			db.closeSync();
		}
	});
});
