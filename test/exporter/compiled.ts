import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const REPO = path.join(__dirname, '..', '..');
// Under the exporter's own node_modules, so that compiled files find the exporter's dependencies first, as its sources do.
const CACHE = path.join(REPO, 'src', 'exporter', 'node_modules', '.cache', 'tracking-export-tests');
const RELATIVE_IMPORT = /(?:from\s+|import\(\s*|require\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The .ts file a relative import names (x.ts or x/index.ts). */
function resolveSource(from: string, specifier: string): string | undefined {
	const base = path.resolve(path.dirname(from), specifier);
	return [`${base}.ts`, path.join(base, 'index.ts')].find((file) => existsSync(file));
}

/** The entries and every source file they import, relative imports followed. */
function closure(entries: readonly string[]): string[] {
	const seen = new Set<string>();
	const queue = [...entries];
	for (let file = queue.pop(); file; file = queue.pop()) {
		if (seen.has(file)) continue;
		seen.add(file);
		for (const match of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
			const next = resolveSource(file, match[1]);
			if (next) queue.push(next);
		}
	}
	return [...seen].sort();
}

/**
 * The exporter's sources compiled to JavaScript (TypeScript's transpileModule,
 * CommonJS as the package builds), once per content, in a cache:
 * encoder threads and child processes then run plain JavaScript as the installed
 * package does, and start in a fraction of the time a TypeScript hook takes.
 * Returns the compiled path of each entry (repository paths, e.g. 'src/exporter/cli/main.ts').
 */
export function compiled(...entries: string[]): string[] {
	const files = closure(entries.map((entry) => path.join(REPO, entry)));
	const hash = createHash('sha256');
	for (const file of files) hash.update(`${path.relative(REPO, file)}\0${readFileSync(file, 'utf8')}\0`);
	const dir = path.join(CACHE, hash.digest('hex').slice(0, 16));
	if (!existsSync(dir)) build(files, dir);
	return entries.map((entry) => path.join(dir, entry.replace(/\.ts$/, '.js')));
}

function build(files: readonly string[], dir: string): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const ts = require('typescript') as typeof import('typescript');
	const building = `${dir}.${process.pid}.tmp`;
	for (const file of files) {
		const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
			fileName: file,
			compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
		});
		const out = path.join(building, path.relative(REPO, file).replace(/\.ts$/, '.js'));
		mkdirSync(path.dirname(out), { recursive: true });
		writeFileSync(out, outputText);
	}
	try {
		renameSync(building, dir);
	} catch (error) {
		// Another test process built the same sources at the same moment: its copy is the same.
		rmSync(building, { recursive: true, force: true });
		if (!existsSync(dir)) throw error;
	}
}

/** The encoder threads' body as the package runs it: compiled JavaScript. */
export function encodeThreadScript(): string {
	return compiled('src/exporter/emit/encode-thread.ts')[0];
}
