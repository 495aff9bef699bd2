// Lints with n8n's own rule sets for community nodes: eslint-plugin-n8n-nodes-base
// (the rules n8n-nodes-starter uses) and @n8n/eslint-plugin-community-nodes (the
// rules of n8n's community-node verification).
import communityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

// Everything a node loads at run time: the nodes, credentials and the core they import.
const nodeRuntime = [
	'nodes/**/*.ts',
	'credentials/**/*.ts',
	'src/core/**/*.ts',
	'src/kuaidi100/**/*.ts',
	'src/keydelivery/**/*.ts',
	'src/normalize/**/*.ts',
];

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.demo-data/**', 'eslint.config.mjs'] },
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
		languageOptions: { parserOptions: { project: false } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: n8nNodesBase.configs.community.rules,
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// The rule's own docs: "Only applicable to nodes in the main repository", whose
			// documentationUrl is a docs slug; a community package links a full URL.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: n8nNodesBase.configs.nodes.rules,
	},
	{
		files: nodeRuntime,
		...communityNodes.configs.recommended,
	},
);
