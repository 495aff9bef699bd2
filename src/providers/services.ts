/**
 * The registry's leaf: what each tracking service is called, where it lives and what
 * its shipment fields look like. No imports, so the core's error type and validation
 * read the same facts as the registry entries without an import cycle.
 */
export type Provider = 'kuaidi100' | 'keydelivery';

export interface ServiceFacts {
	id: Provider;
	label: string;
	/** Root of the lookup endpoints (the credential's default base URL). */
	serviceRoot: string;
	/** Hosts a credential may send to (n8n's allowed domains for the HTTP Request node). */
	hosts: readonly string[];
	/** The carrier field, in the service's words, and an example value. */
	carrierField: string;
	carrierExample: string;
	trackingNumberExample: string;
	trackingNumberLength: { min: number; max: number };
	/** Carriers whose lookups require the sender's or recipient's phone. */
	phoneRequiredCarriers: ReadonlySet<string>;
}

export const SERVICES: Readonly<Record<Provider, ServiceFacts>> = {
	kuaidi100: {
		id: 'kuaidi100',
		label: 'Kuaidi100',
		serviceRoot: 'https://poll.kuaidi100.com',
		hosts: ['poll.kuaidi100.com', 'www.kuaidi100.com', 'api.kuaidi100.com'],
		carrierField: 'Carrier Code',
		carrierExample: 'yuantong',
		trackingNumberExample: 'YT7450353838751',
		trackingNumberLength: { min: 6, max: 32 },
		phoneRequiredCarriers: new Set(['shunfeng', 'shunfengkuaiyun']),
	},
	keydelivery: {
		id: 'keydelivery',
		label: 'KeyDelivery',
		serviceRoot: 'https://www.kd100.com',
		hosts: ['www.kd100.com'],
		carrierField: 'Carrier ID',
		carrierExample: 'usps',
		trackingNumberExample: 'LY811679807CN',
		trackingNumberLength: { min: 4, max: 64 },
		phoneRequiredCarriers: new Set(),
	},
};

export const PROVIDER_IDS = Object.keys(SERVICES) as Provider[];

export function isProvider(value: string): value is Provider {
	return Object.hasOwn(SERVICES, value);
}
