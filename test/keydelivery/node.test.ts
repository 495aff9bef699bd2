import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyDeliveryApi } from '../../credentials/KeyDeliveryApi.credentials';
import { KeyDelivery } from '../../nodes/KeyDelivery/KeyDelivery.node';
import { keyDeliveryRequests, runNode, startKeyDeliverySandbox } from './helpers';

const ROOT = join(__dirname, '..', '..');

describe('KeyDelivery node: description', () => {
	const { description } = new KeyDelivery();

	it('is "keyDelivery" / "KeyDelivery", usable as a tool, with the three operations', () => {
		expect(description.name).toBe('keyDelivery');
		expect(description.displayName).toBe('KeyDelivery');
		expect(description.usableAsTool).toBe(true);
		const operation = description.properties.find((p) => p.name === 'operation');
		expect(operation?.options?.map((o) => ('value' in o ? o.value : undefined))).toEqual(['createTracking', 'detectCarrier', 'getTracking']);
		expect(description.subtitle).toContain('$parameter["operation"]');
	});

	it('has its icon and a codex file naming it', () => {
		// Light and dark variants, so the icon reads on both n8n themes.
		expect(description.icon).toEqual({ light: 'file:keyDelivery.svg', dark: 'file:keyDelivery.dark.svg' });
		expect(existsSync(join(ROOT, 'nodes/KeyDelivery/keyDelivery.svg'))).toBe(true);
		expect(existsSync(join(ROOT, 'nodes/KeyDelivery/keyDelivery.dark.svg'))).toBe(true);
		const codex = JSON.parse(readFileSync(join(ROOT, 'nodes/KeyDelivery/KeyDelivery.node.json'), 'utf8')) as { node: string };
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string };
		expect(codex.node).toBe(`${pkg.name}.keyDelivery`);
	});

	it('the credential has API Key, Secret (both hidden), Base URL defaulting to https://www.kd100.com and allowed domains defaulting to its host', () => {
		const credential = new KeyDeliveryApi();
		expect(credential.name).toBe('keyDeliveryApi');
		expect(credential.properties.map((p) => [p.name, p.typeOptions?.password === true, p.default])).toEqual([
			['apiKey', true, ''],
			['secret', true, ''],
			['baseUrl', false, 'https://www.kd100.com'],
			['allowedHttpRequestDomains', false, 'domains'],
			['allowedDomains', false, 'www.kd100.com'],
		]);
	});

	it('Output options and a Get Tracking that defaults to Simplified', () => {
		const output = description.properties.find((p) => p.name === 'output');
		expect(output?.default).toBe('simplified');
		expect(output?.options?.map((o) => ('value' in o ? o.value : undefined))).toEqual(['simplified', 'events', 'raw']);
		expect(output?.displayOptions).toEqual({ show: { operation: ['getTracking'] } });
	});

	it('an unknown operation fails the node without sending anything', async () => {
		const sandbox = await startKeyDeliverySandbox();
		try {
			const result = await runNode(sandbox, { parameters: { operation: 'deleteTracking', trackingNumber: 'LY811679807CN' } });
			expect(result.items).toEqual([]);
			expect(result.error?.message).toMatch(/deleteTracking/);
			expect(keyDeliveryRequests(sandbox)).toHaveLength(0);
		} finally {
			await sandbox.close();
		}
	});
});
