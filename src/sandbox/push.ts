/**
 * Sandbox.pushNow: what a service does when a subscribed number changes. It finds
 * the subscription, has the provider's pusher build the body it would send, POSTs
 * it to the callback URL and records whether the service would count it delivered.
 */
import type { SandboxEvent, SandboxProvider, SandboxPushOptions, SandboxPushResult, SandboxShipment, SandboxSubscription } from './types';
import type { SandboxWorld } from './world';

export interface BuiltPush {
	/** The request body, exactly as the service sends it. */
	body: string;
	contentType: string;
}

export interface PushInput {
	subscription: SandboxSubscription;
	shipment: SandboxShipment;
	/** How many of the shipment's events are visible, and those events (oldest first). */
	visible: number;
	events: SandboxEvent[];
	options: SandboxPushOptions;
	now: Date;
}

/** One provider's push: the body it sends, and when it counts the receiver's answer as an acknowledgement. */
export interface Pusher {
	build(input: PushInput): BuiltPush;
	acknowledged(status: number, responseBody: string): boolean;
}

export async function pushNow(
	world: SandboxWorld,
	pushers: Record<SandboxProvider, Pusher>,
	trackingNumber: string,
	options: SandboxPushOptions,
): Promise<SandboxPushResult> {
	const subscription = latestSubscription(world.subscriptions, trackingNumber, options);
	if (!subscription) throw new Error(`sandbox: ${trackingNumber} has no subscription to push for`);
	const { provider, carrier } = subscription;
	const shipment = world.findShipment(provider, carrier, trackingNumber) ?? { provider, carrier, trackingNumber, timeline: [] };
	const visible = world.visibleCount(shipment);
	const events = shipment.timeline.slice(0, visible);
	const pusher = pushers[provider];
	const built = pusher.build({ subscription, shipment, visible, events, options, now: world.now() });
	const url = options.url ?? subscription.callbackUrl;
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': built.contentType },
		body: built.body,
		signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
	});
	const responseBody = await response.text();
	const acknowledged = pusher.acknowledged(response.status, responseBody);
	return { provider, url, body: built.body, contentType: built.contentType, status: response.status, responseBody, acknowledged };
}

/** The newest subscription of the number that matches the options' provider and carrier. */
function latestSubscription(
	subscriptions: SandboxSubscription[],
	trackingNumber: string,
	options: SandboxPushOptions,
): SandboxSubscription | undefined {
	return [...subscriptions]
		.reverse()
		.find(
			(s) =>
				s.trackingNumber === trackingNumber &&
				(options.provider === undefined || s.provider === options.provider) &&
				(options.carrier === undefined || s.carrier.toLowerCase() === options.carrier.toLowerCase()),
		);
}
