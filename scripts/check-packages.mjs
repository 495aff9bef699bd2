#!/usr/bin/env node
/**
 * Packs both packages the way a release does (`npm pack` runs prepack, which builds)
 * and checks what a user gets:
 *
 * - n8n-nodes-kuaidi100: no runtime dependency; the tarball holds only what n8n loads
 *   (compiled nodes, credentials and the core they import, icons, codex files) plus
 *   README, LICENSE, CHANGELOG and package.json; every file n8n's entry points name exists.
 * - tracking-export: installed from its tarball with `npm i -g` into a throw-away
 *   prefix, `tracking-export --help` works, its README (the npm page) is shipped and the
 *   sandbox is not.
 *
 * Prints each tarball's packed and installed size. Exit 1 on any problem.
 *
 *   node scripts/check-packages.mjs
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'check-packages-'));
const problems = [];
const check = (ok, message) => ok || problems.push(message);
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

// Packing must build by itself (prepack), as it does on a fresh clone: start without builds.
fs.rmSync(path.join(repoRoot, 'dist'), { recursive: true, force: true });
fs.rmSync(path.join(repoRoot, 'src/exporter/dist'), { recursive: true, force: true });

try {
	checkNodePackage();
	checkExporterPackage();
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
if (problems.length > 0) {
	console.error(`package check: ${problems.length} problem(s)\n- ${problems.join('\n- ')}`);
	process.exit(1);
}
console.log('package check: both packages OK');

function pack(args, cwd = repoRoot) {
	const out = execFileSync('npm', ['pack', '--json', '--loglevel=warn', '--pack-destination', work, ...args], {
		cwd,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		// Lifecycle output (prepack's build) goes to stderr so stdout stays JSON.
		env: { ...process.env, npm_config_foreground_scripts: 'false' },
	});
	const json = JSON.parse(out.slice(out.search(/^\[\s*\{/m)));
	return { ...json[0], path: path.join(work, path.basename(json[0].filename)) };
}

function installedSize(dir) {
	return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}


function checkNodePackage() {
	const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
	check(Object.keys(manifest.dependencies ?? {}).length === 0, `n8n-nodes-kuaidi100 has runtime dependencies: ${Object.keys(manifest.dependencies ?? {})}`);
	check(manifest.n8n?.strict === true, 'n8n.strict is not true');
	check(/@/.test(manifest.author?.email ?? ''), 'the author has no email');

	const packed = pack([]);
	const files = packed.files.map((file) => file.path);
	const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/(nodes|credentials)\/.+\.(js|svg|json)|dist\/src\/(core|kuaidi100|keydelivery|normalize|push|providers)\/.+\.js)$/;
	for (const file of files) check(allowed.test(file), `n8n-nodes-kuaidi100 ships a file n8n does not load: ${file}`);
	for (const entry of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) check(files.includes(entry), `n8n entry point missing from the tarball: ${entry}`);
	for (const required of ['README.md', 'LICENSE', 'CHANGELOG.md']) check(files.includes(required), `${required} missing from the tarball`);

	const unpacked = path.join(work, 'node-package');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', packed.path, '-C', unpacked, '--strip-components=1']);
	console.log(`n8n-nodes-kuaidi100: ${files.length} files, tarball ${kB(packed.size)}, unpacked ${kB(packed.unpackedSize)}, installed ${kB(installedSize(unpacked))} (no dependencies)`);
}

function checkExporterPackage() {
	const packed = pack(['--workspace', 'tracking-export']);
	const files = packed.files.map((file) => file.path);
	check(files.includes('dist/exporter/cli.js'), 'tracking-export: dist/exporter/cli.js missing (was it built?)');
	check(!files.some((file) => file.startsWith('dist/sandbox/')), 'tracking-export ships the sandbox');
	check(files.includes('README.md'), 'tracking-export: README.md (its npm page) missing from the tarball');

	const prefix = path.join(work, 'global');
	execFileSync('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', packed.path], {
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const bin = path.join(prefix, 'bin', 'tracking-export');
	let help = '';
	try {
		help = execFileSync(bin, ['--help'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
	} catch (error) {
		problems.push(`installed tracking-export --help failed: ${error.message}`);
	}
	check(/\brun\b/.test(help) && /\bschedule\b/.test(help), 'installed tracking-export --help does not list run and schedule');
	const installed = path.join(prefix, 'lib', 'node_modules', 'tracking-export');
	// The installed package encodes on its threads (a missing thread file would quietly fall back to one thread).
	check(files.includes('dist/exporter/encode-thread.js'), 'tracking-export: dist/exporter/encode-thread.js missing');
	const probe = `
		const { createEncoder, ThreadEncoder } = require(${JSON.stringify(path.join(installed, 'dist', 'exporter', 'encoder.js'))});
		const encoder = createEncoder(2);
		if (!(encoder instanceof ThreadEncoder)) throw new Error('the installed exporter encodes without threads');
		const reply = { message: 'ok', nu: 'X1', com: 'yuantong', state: '0', data: [{ time: '2024-03-01 10:00:00', context: 'hello', status: 'In Transit', statusCode: '0' }] };
		encoder.encode({ provider: 'kuaidi100', reply, options: { source: 'query' }, exported: new Uint8Array(0) })
			.then((result) => { process.stdout.write(Buffer.from(result.csv).toString('utf8')); return encoder.close(); });`;
	let encoded = '';
	try {
		encoded = execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
	} catch (error) {
		problems.push(`the installed exporter's encoder threads failed: ${error.message}`);
	}
	check(encoded.includes(',kuaidi100,yuantong,X1,2024-03-01T02:00:00.000Z,'), `the installed exporter's encoder threads gave ${JSON.stringify(encoded)}`);
	console.log(
		`tracking-export: ${files.length} files, tarball ${kB(packed.size)}, unpacked ${kB(packed.unpackedSize)}, installed with dependencies ${kB(installedSize(installed))}`,
	);
}
