/** What the KeyDelivery fake's handlers share. */
import { SANDBOX_KEYDELIVERY, type SandboxOptions } from '../types';
import type { SandboxWorld } from '../world';
import { KEYDELIVERY_SANDBOX_CARRIERS } from './carriers';

export interface KeyDeliveryFake {
	world: SandboxWorld;
	/** The one account accepted. */
	account: { apiKey: string; secret: string };
	/** Lower-cased carrier id -> name. */
	carriers: Record<string, string>;
}

export function createKeyDeliveryFake(world: SandboxWorld, options: SandboxOptions): KeyDeliveryFake {
	return {
		world,
		account: { ...(options.keyDelivery ?? SANDBOX_KEYDELIVERY) },
		carriers: world.carrierNames('keydelivery', KEYDELIVERY_SANDBOX_CARRIERS),
	};
}

export function isKnownCarrier(fake: KeyDeliveryFake, carrierId: string): boolean {
	return Object.hasOwn(fake.carriers, carrierId.toLowerCase());
}
