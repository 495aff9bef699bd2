#!/usr/bin/env node
/**
 * n8n's own checks of the node package, exactly as n8n runs them:
 *
 * 1. `@n8n/node-cli`'s stock ESLint config (the object `@n8n/node-cli/eslint` exports,
 *    which the repository's eslint.config.mjs re-exports untouched) over package.json
 *    and every source file the package ships: the files of the TypeScript program of
 *    tsconfig.build.json, i.e. the nodes, the credentials and the core they import.
 * 2. `@n8n/scan-community-package`'s analysis, on the packed tarball (all of it) and on
 *    the source (its SOURCE_FILE_PATTERNS), the way its CLI does after downloading.
 *
 * The tools live in scripts/lint with their own lock file, installed with scripts off
 * (their eslint-plugin-n8n-nodes-base has a pnpm-only preinstall). Exit 1 on any error.
 *
 *   node scripts/lint/lint.mjs [--no-scan]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const toolsDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(toolsDir, '../..');
const withScan = !process.argv.includes('--no-scan');

ensureTools();
const toolsRequire = createRequire(path.join(toolsDir, 'package.json'));
const importTool = (specifier) => import(pathToFileURL(toolsRequire.resolve(specifier)).href);

const { ESLint } = await importTool('eslint');
const { config: stockConfig } = await importTool('@n8n/node-cli/eslint');

let failed = false;

const shipped = shippedSources();
const stock = new ESLint({ cwd: repoRoot, overrideConfigFile: true, overrideConfig: stockConfig });
failed = (await report(`@n8n/node-cli stock lint (${shipped.length} shipped sources + package.json)`, stock, await stock.lintFiles(['package.json', ...shipped]))) || failed;

if (withScan) {
	const scanner = await import(pathToFileURL(path.join(toolsDir, 'node_modules/@n8n/scan-community-package/scanner/scanner.mjs')).href);
	const unpacked = packAndExtract();
	failed = scanReport('scanner: packed tarball', await scanner.analyzePackage(unpacked)) || failed;
	failed = scanReport('scanner: source', await scanner.analyzePackage(repoRoot, scanner.SOURCE_FILE_PATTERNS)) || failed;
	fs.rmSync(path.dirname(unpacked), { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

function ensureTools() {
	const marker = path.join(toolsDir, 'node_modules/.package-lock.json');
	const lock = path.join(toolsDir, 'package-lock.json');
	if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
	console.error('[lint] installing n8n lint tools into scripts/lint (once)');
	execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: toolsDir, stdio: 'inherit' });
}

/** Every source file of the package's build: what tsc compiles is what the tarball ships. */
function shippedSources() {
	const ts = createRequire(path.join(repoRoot, 'package.json'))('typescript');
	const configPath = path.join(repoRoot, 'tsconfig.build.json');
	const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, repoRoot);
	const program = ts.createProgram(parsed.fileNames, parsed.options);
	return program
		.getSourceFiles()
		.map((file) => path.relative(repoRoot, file.fileName))
		.filter((file) => !file.startsWith('..') && !file.includes('node_modules') && !file.endsWith('.d.ts'))
		.sort();
}

function packAndExtract() {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
	// `npm pack` builds first (prepack), as it does for a release.
	execFileSync('npm', ['pack', '--loglevel=warn', '--pack-destination', work], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = fs.readdirSync(work).find((name) => name.endsWith('.tgz'));
	const dir = path.join(work, 'package');
	fs.mkdirSync(dir);
	execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', dir, '--strip-components=1']);
	return dir;
}

async function report(title, eslint, results) {
	const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
	const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
	console.log(`${title}: ${errors} error(s), ${warnings} warning(s)`);
	if (errors + warnings > 0) console.log(await (await eslint.loadFormatter('stylish')).format(results));
	return errors > 0;
}

function scanReport(title, result) {
	console.log(`${title}: ${result.passed ? 'passed' : 'FAILED'}${result.message ? ` (${result.message})` : ''}`);
	if (result.details) console.log(result.details);
	return !result.passed;
}
