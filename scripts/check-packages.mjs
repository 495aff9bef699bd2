#!/usr/bin/env node
/**
 * Packs both packages the way a release does (`npm pack` runs prepack, which builds)
 * and checks what a user gets:
 *
 * - n8n-nodes-kuaidi100: no runtime dependency; the tarball holds only what n8n loads
 *   (compiled nodes, credentials and the core they import, icons, codex files) plus
 *   README, LICENSE, CHANGELOG and package.json; every file n8n's entry points name exists.
 * - tracking-export: its build compiles only what it ships (the exporter and the core
 *   modules it imports; no sandbox); its README (the npm page) is shipped; installed from
 *   its tarball with `npm i -g` into a throw-away prefix, `--help` works, `--version`
 *   prints the package's version, the encoder threads run, and `demo` says it needs a
 *   clone (the sandbox is not shipped).
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
	check(files.includes('dist/exporter/cli/main.js'), 'tracking-export: dist/exporter/cli/main.js missing (was it built?)');
	const shipped = /^(package\.json|README\.md|LICENSE|dist\/(exporter|core|providers|normalize|kuaidi100|keydelivery)\/.+\.js)$/;
	for (const file of files) check(shipped.test(file), `tracking-export ships a file outside the exporter and its core modules: ${file}`);
	// The build itself (prepack) compiles nothing it does not ship: no sandbox, no n8n nodes.
	const built = fs.readdirSync(path.join(repoRoot, 'src/exporter/dist'));
	check(!built.includes('sandbox') && !built.includes('push'), `the tracking-export build compiled more than it ships: dist/{${built.join(',')}}`);
	check(files.includes('README.md'), 'tracking-export: README.md (its npm page) missing from the tarball');

	const prefix = path.join(work, 'global');
	execFileSync('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', packed.path], {
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const bin = path.join(prefix, 'bin', 'tracking-export');
	const runBin = (args) => {
		try {
			const stdout = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: work, env: { ...process.env, NODE_OPTIONS: '' } });
			return { code: 0, stdout, stderr: '' };
		} catch (error) {
			return { code: error.status ?? 1, stdout: String(error.stdout ?? ''), stderr: String(error.stderr ?? error.message) };
		}
	};
	const help = runBin(['--help']);
	check(help.code === 0 && /\brun\b/.test(help.stdout) && /\bschedule\b/.test(help.stdout), `installed tracking-export --help does not list run and schedule: ${help.stderr}`);
	const version = runBin(['--version']);
	check(version.stdout.trim() === packed.version, `installed tracking-export --version printed ${JSON.stringify(version.stdout.trim())}, not ${packed.version}`);
	// The demo runs from a clone (sandbox and s3rver): installed, it says so with exit 2 and writes nothing.
	const demo = runBin(['demo', '--dir', 'demo-data']);
	check(demo.code === 2 && /npm ci && npm run demo/.test(demo.stderr), `installed tracking-export demo: exit ${demo.code}, ${demo.stderr}`);
	check(!fs.existsSync(path.join(work, 'demo-data')), 'installed tracking-export demo created its folder before saying it needs a clone');
	const installed = path.join(prefix, 'lib', 'node_modules', 'tracking-export');
	// The installed package encodes on its threads (createEncoder fails, says why, when the thread body is missing).
	check(files.includes('dist/exporter/emit/encode-thread.js'), 'tracking-export: dist/exporter/emit/encode-thread.js missing');
	const probe = `
		const { createEncoder, ThreadEncoder } = require(${JSON.stringify(path.join(installed, 'dist', 'exporter', 'emit', 'encoder.js'))});
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
