/** What the Kuaidi100 fake's two servers (poll, autonumber) share. */
import { SANDBOX_KUAIDI100, type SandboxOptions } from '../types';
import type { SandboxWorld } from '../world';
import { KUAIDI100_SANDBOX_CARRIERS } from './carriers';
import { RepeatQueryLock } from './query-lock';

export interface Kuaidi100Fake {
	world: SandboxWorld;
	/** The one account accepted. */
	account: { customer: string; key: string };
	/** Carrier code -> name. */
	carriers: Record<string, string>;
	lock: RepeatQueryLock;
	/** Base URL of the poll server, which map-track trail URLs point at; set once it listens. */
	pollBaseUrl: string;
}

export function createKuaidi100Fake(world: SandboxWorld, options: SandboxOptions): Kuaidi100Fake {
	return {
		world,
		account: { ...(options.kuaidi100 ?? SANDBOX_KUAIDI100) },
		carriers: world.carrierNames('kuaidi100', KUAIDI100_SANDBOX_CARRIERS),
		lock: new RepeatQueryLock(options, world.now),
		pollBaseUrl: '',
	};
}
