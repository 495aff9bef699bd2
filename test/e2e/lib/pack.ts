import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';
import { runOk } from './processes';

export interface PackResult {
	/** Absolute path of the .tgz. */
	tarball: string;
	/** Paths inside the package, as `npm pack --json` lists them. */
	files: string[];
	packageJson: { name: string; version: string; n8n?: { nodes?: string[]; credentials?: string[] } };
	buildMs: number;
	packMs: number;
}

/**
 * Builds and packs the package the way a clean clone would: the repository's
 * tracked and untracked-but-not-ignored files are copied into `workDir` (the
 * repository's own node_modules is linked, never installed), then
 * `npm run build` and `npm pack --json` run there. Nothing in the working tree is
 * touched, and stale files in a local dist/ cannot leak into the tarball.
 */
export async function buildAndPack(workDir: string): Promise<PackResult> {
	const copy = path.join(workDir, 'package');
	fs.mkdirSync(copy, { recursive: true });
	const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
		cwd: REPO_ROOT,
		maxBuffer: 64 * 1024 * 1024,
	})
		.toString('utf8')
		.split('\0')
		.filter(Boolean);
	for (const file of listed) {
		const from = path.join(REPO_ROOT, file);
		if (!fs.existsSync(from) || !fs.statSync(from).isFile()) continue; // deleted but still in the index
		const to = path.join(copy, file);
		fs.mkdirSync(path.dirname(to), { recursive: true });
		fs.copyFileSync(from, to);
	}
	fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

	const buildStarted = Date.now();
	await runOk('npm', ['run', 'build'], { cwd: copy, timeoutMs: 5 * 60_000 });
	const buildMs = Date.now() - buildStarted;

	const packStarted = Date.now();
	const out = path.join(workDir, 'tarball');
	fs.mkdirSync(out, { recursive: true });
	// Already built: skip prepack (which would build again).
	const packed = await runOk('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], {
		cwd: copy,
		timeoutMs: 2 * 60_000,
	});
	const packMs = Date.now() - packStarted;
	const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{
		filename: string;
		files: Array<{ path: string }>;
	}>;
	const packageJson = JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8')) as PackResult['packageJson'];
	return {
		tarball: path.join(out, report[0].filename),
		files: report[0].files.map((file) => file.path).sort(),
		packageJson,
		buildMs,
		packMs,
	};
}

/** What must not be in the published package, whatever is under dist/. */
const FORBIDDEN = [
	/(^|\/)(test|tests|__tests__|e2e|fixtures|harness|coverage)\//,
	/\.(test|spec)\.[cm]?[jt]sx?$/,
	/\.map$/,
	/(^|\/)[^/]*\.ts$/, // TypeScript sources and declarations: n8n loads the compiled JavaScript only
	/\.tsbuildinfo$/,
];

/** The problems with a pack's file list; empty when it is only what n8n loads (dist/ nodes, credentials, core), README.md, LICENSE, CHANGELOG.md and package.json. */
export function packProblems(pack: Pick<PackResult, 'files' | 'packageJson'>): string[] {
	const problems: string[] = [];
	for (const file of pack.files) {
		if (!/^(dist\/(nodes|credentials|src\/(core|kuaidi100|keydelivery|normalize|push|providers))\/.+|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/.test(file)) problems.push(`unexpected file: ${file}`);
		else if (FORBIDDEN.some((pattern) => pattern.test(file))) {
			problems.push(`test or source file in the package: ${file}`);
		}
	}
	for (const required of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
		if (!pack.files.includes(required)) problems.push(`missing: ${required}`);
	}
	const declared = [...(pack.packageJson.n8n?.nodes ?? []), ...(pack.packageJson.n8n?.credentials ?? [])];
	if (declared.length === 0) problems.push('package.json declares no n8n nodes or credentials');
	for (const file of declared) {
		if (!pack.files.includes(file.replace(/^\.\//, ''))) problems.push(`package.json n8n entry not in the package: ${file}`);
	}
	return problems;
}
