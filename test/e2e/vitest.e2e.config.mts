import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end suite: a real n8n (installed into a cache folder outside the
 * repository by scripts/e2e-install-n8n.sh) runs the packed package.
 *
 *   npx vitest run --config test/e2e/vitest.e2e.config.mts
 */
export default defineConfig({
	test: {
		root: fileURLToPath(new URL('../..', import.meta.url)),
		include: ['test/e2e/**/*.e2e.test.ts'],
		// Queue mode is tested on the 2.x line (2.41.1), the one users scale out on today.
		exclude: process.env.E2E_N8N_LINE === '2' ? [] : ['test/e2e/trigger-queue.e2e.test.ts'],
		// One n8n, one database, one sequence of cases.
		fileParallelism: false,
		sequence: { concurrent: false },
		pool: 'forks',
		testTimeout: 120_000,
		// The first run installs n8n (3-4 minutes); building, packing and installing the package takes about a minute.
		hookTimeout: 20 * 60_000,
		teardownTimeout: 60_000,
		reporters: ['verbose'],
	},
});
