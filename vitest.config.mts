import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
	// n8n-core loads n8n-workflow's CommonJS build; without this alias the tests and
	// the nodes would get its ESM build, so every class (NodeApiError, ...) would
	// exist twice and `instanceof` would differ from production.
	resolve: { alias: [{ find: /^n8n-workflow$/, replacement: require.resolve('n8n-workflow') }] },
	test: {
		include: ['test/**/*.test.ts'],
		exclude: ['test/e2e/**', 'node_modules/**'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
	},
});
