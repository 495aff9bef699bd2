import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigError, messageOf } from '../exit-codes';
import { createS3Client } from '../storage/storage';

export const DEMO_BUCKET = 'tracking-demo';
export const DEMO_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** What the demo uses of the carrier sandbox (src/sandbox). */
export interface DemoSandboxModule {
	startSandbox(options: { now: () => Date }): Promise<{
		kuaidi100BaseUrl: string;
		keyDeliveryBaseUrl: string;
		advance(): void;
		close(): Promise<void>;
	}>;
	sampleShipments(): ReadonlyArray<{ provider: string; carrier: string; trackingNumber: string; phone?: string }>;
	SANDBOX_KUAIDI100: { customer: string; key: string };
	SANDBOX_KEYDELIVERY: { apiKey: string; secret: string };
}

interface S3rverInstance {
	run(): Promise<AddressInfo>;
	close(): Promise<void>;
	httpServer?: { closeAllConnections?: () => void };
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

/**
 * Specifiers held in variables: the package build (tsconfig.json) must not
 * follow them, since the package ships neither the sandbox nor s3rver;
 * `npm run demo` builds the sandbox beside the exporter (tsconfig.dev.json).
 */
const SANDBOX_MODULE = '../../sandbox';
const S3RVER_MODULE = 's3rver';

async function loadPart<T>(load: () => Promise<T>, what: string): Promise<T> {
	try {
		return await load();
	} catch (error) {
		throw new ConfigError(`The demo needs ${what}, which only a clone of the repository has: run "npm ci && npm run demo" there. (${messageOf(error)})`);
	}
}

/** The sandbox of the carrier services and a local S3 (s3rver), on 127.0.0.1. */
export interface DemoServices {
	sandbox: DemoSandboxModule;
	kuaidi100BaseUrl: string;
	keyDeliveryBaseUrl: string;
	s3Endpoint: string;
	s3: S3Client;
	/** Moves the sandbox's timelines one step on. */
	advance(): void;
	close(): Promise<void>;
}

/** The sandbox and s3rver modules, loaded before the demo touches its folder. */
export interface DemoParts {
	sandbox: DemoSandboxModule;
	S3rver: S3rverClass;
}

export async function loadDemoParts(): Promise<DemoParts> {
	return {
		sandbox: await loadPart(async () => (await import(SANDBOX_MODULE)) as DemoSandboxModule, 'the carrier sandbox (src/sandbox)'),
		S3rver: await loadPart(async () => ((await import(S3RVER_MODULE)) as { default: S3rverClass }).default, 'the development dependency s3rver'),
	};
}

export async function startDemoServices({ sandbox, S3rver }: DemoParts, dir: string, now: () => Date): Promise<DemoServices> {
	const s3rver = new S3rver({
		address: '127.0.0.1',
		port: 0,
		silent: true,
		directory: path.join(dir, 's3'),
		configureBuckets: [{ name: DEMO_BUCKET }],
		vhostBuckets: false,
	});
	const carriers = await sandbox.startSandbox({ now });
	const s3Address = await s3rver.run().catch(async (error: unknown) => {
		await carriers.close();
		throw error;
	});
	const s3Endpoint = `http://127.0.0.1:${s3Address.port}`;
	const s3 = createS3Client({ endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true, ...DEMO_S3_CREDENTIALS });
	return {
		sandbox,
		kuaidi100BaseUrl: carriers.kuaidi100BaseUrl,
		keyDeliveryBaseUrl: carriers.keyDeliveryBaseUrl,
		s3Endpoint,
		s3,
		advance: () => carriers.advance(),
		close: async () => {
			s3.destroy();
			s3rver.httpServer?.closeAllConnections?.();
			await Promise.allSettled([s3rver.close(), carriers.close()]);
		},
	};
}
