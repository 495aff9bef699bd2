import type { Provider } from './services';
import { keydelivery } from './keydelivery';
import { kuaidi100 } from './kuaidi100';
import type { ProviderEntry } from './types';

/** One entry per tracking service (see types.ts for what an entry holds). */
export const PROVIDERS: Readonly<Record<Provider, ProviderEntry>> = {
	kuaidi100: kuaidi100 as ProviderEntry,
	keydelivery: keydelivery as ProviderEntry,
};

export function providerOf(id: Provider): ProviderEntry {
	return PROVIDERS[id];
}

export { keydelivery, kuaidi100 };
export { keyDeliveryConfig } from './keydelivery';
export { kuaidi100Config, resultv2Param } from './kuaidi100';
export { prepareLookup, type PreparedLookup } from './prepare';
export { isProvider, PROVIDER_IDS, SERVICES, type Provider } from './services';
export type { LookupFunction, LookupOptions, ProviderEntry, ServiceCredentials, ShipmentLookup } from './types';
