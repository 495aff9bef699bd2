/**
 * What the fake services share: the scripted shipments and how much of each is
 * visible, the sandbox clock, the account state and the accepted subscriptions.
 */
import { sampleShipments } from './sample-shipments';
import type { SandboxAccountState, SandboxEvent, SandboxOptions, SandboxProvider, SandboxShipment, SandboxSubscription } from './types';

export class SandboxWorld {
	/** A private copy of options.shipments. */
	readonly shipments: SandboxShipment[];
	readonly now: () => Date;
	readonly account: SandboxAccountState;
	readonly subscriptions: SandboxSubscription[] = [];
	step = 0;
	private readonly revealSteps: number;

	constructor(options: SandboxOptions) {
		this.shipments = structuredClone(options.shipments ?? sampleShipments());
		this.now = options.now ?? (() => new Date());
		this.revealSteps = options.revealSteps ?? 2;
		this.account = { kuaidi100KeyExpired: false, keyDeliveryQuotaExhausted: false, keyDeliveryBlocked: false, ...options.account };
	}

	/** KeyDelivery carrier ids compare case-insensitively, Kuaidi100 codes exactly. */
	findShipment(provider: SandboxProvider, carrier: string, trackingNumber: string): SandboxShipment | undefined {
		return this.shipments.find(
			(s) => s.provider === provider && s.trackingNumber === trackingNumber && sameCarrier(provider, s.carrier, carrier),
		);
	}

	/** Event i of a timeline is visible when i < revealSteps + step. */
	visibleCount(shipment: SandboxShipment): number {
		return Math.max(0, Math.min(shipment.timeline.length, this.revealSteps + this.step));
	}

	visibleEvents(provider: SandboxProvider, carrier: string, trackingNumber: string): SandboxEvent[] {
		const shipment = this.findShipment(provider, carrier, trackingNumber);
		return shipment ? structuredClone(shipment.timeline.slice(0, this.visibleCount(shipment))) : [];
	}

	/** Candidate carriers: exact number matches first, then numbers of the same 2-character prefix and length. */
	guessCarriers(provider: SandboxProvider, num: string): string[] {
		const own = this.shipments.filter((s) => s.provider === provider);
		const exact = own.filter((s) => s.trackingNumber === num).map((s) => s.carrier);
		const prefix = num.slice(0, 2).toUpperCase();
		const similar = own
			.filter((s) => s.trackingNumber !== num && s.trackingNumber.length === num.length && s.trackingNumber.slice(0, 2).toUpperCase() === prefix)
			.map((s) => s.carrier);
		return [...new Set([...exact, ...similar])];
	}

	isSubscribed(provider: SandboxProvider, carrier: string, trackingNumber: string): boolean {
		return this.subscriptions.some(
			(s) => s.provider === provider && s.trackingNumber === trackingNumber && sameCarrier(provider, s.carrier, carrier),
		);
	}

	/** The carriers a fake knows: its built-in table plus every carrier of its served shipments. */
	carrierNames(provider: SandboxProvider, builtIn: Readonly<Record<string, string>>): Record<string, string> {
		const names: Record<string, string> = { ...builtIn };
		for (const shipment of this.shipments.filter((s) => s.provider === provider)) {
			names[carrierKey(provider, shipment.carrier)] ??= shipment.carrier;
		}
		return names;
	}
}

/** The key a carrier is looked up by: KeyDelivery ids are case-insensitive. */
function carrierKey(provider: SandboxProvider, carrier: string): string {
	return provider === 'keydelivery' ? carrier.toLowerCase() : carrier;
}

function sameCarrier(provider: SandboxProvider, a: string, b: string): boolean {
	return carrierKey(provider, a) === carrierKey(provider, b);
}
