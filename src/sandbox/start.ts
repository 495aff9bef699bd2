/**
 * startSandbox: local stand-ins for Kuaidi100 and KeyDelivery, as real HTTP
 * servers on random ports of 127.0.0.1 that enforce the wire formats of
 * docs/providers.md the way the services do, serve deterministic scripted
 * timelines, and can be told to fail. Used by the node tests, the exporter tests
 * and the offline demo. One fake per service (kuaidi100/, keydelivery/) behind one
 * small server (http/), sharing one world (./world.ts).
 */
import { FaultQueue } from './http/faults';
import { SandboxServer } from './http/server';
import { keyDeliveryService } from './keydelivery/service';
import { createKeyDeliveryFake } from './keydelivery/fake';
import { keyDeliveryPusher } from './keydelivery/webhook';
import { kuaidi100AutonumberService } from './kuaidi100/autonumber-service';
import { createKuaidi100Fake } from './kuaidi100/fake';
import { kuaidi100PollService } from './kuaidi100/poll-service';
import { kuaidi100Pusher } from './kuaidi100/push';
import { pushNow, type Pusher } from './push';
import type { RecordedRequest, Sandbox, SandboxOptions, SandboxProvider, SandboxPushResult } from './types';
import { SandboxWorld } from './world';

const PUSHERS: Record<SandboxProvider, Pusher> = { kuaidi100: kuaidi100Pusher, keydelivery: keyDeliveryPusher };

/** Starts the three servers (Kuaidi100 poll, Kuaidi100 autonumber, KeyDelivery) on random ports of 127.0.0.1. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const world = new SandboxWorld(options);
	const faults = new FaultQueue();
	const requests: RecordedRequest[] = [];
	const pushes: SandboxPushResult[] = [];
	const server = new SandboxServer({ now: world.now, replyDelayMs: Math.max(0, options.replyDelayMs ?? 0), faults, requests });
	const kuaidi100 = createKuaidi100Fake(world, options);
	kuaidi100.pollBaseUrl = await server.listen(kuaidi100PollService(kuaidi100));
	const kuaidi100AutonumberBaseUrl = await server.listen(kuaidi100AutonumberService(kuaidi100));
	const keyDeliveryBaseUrl = await server.listen(keyDeliveryService(createKeyDeliveryFake(world, options)));
	return {
		kuaidi100BaseUrl: kuaidi100.pollBaseUrl,
		kuaidi100AutonumberBaseUrl,
		keyDeliveryBaseUrl,
		requests,
		subscriptions: world.subscriptions,
		pushes,
		shipments: world.shipments,
		get step() {
			return world.step;
		},
		advance(steps = 1) {
			world.step += steps;
		},
		visibleEvents: (provider, carrier, trackingNumber) => world.visibleEvents(provider, carrier, trackingNumber),
		failNext: (provider, fault) => faults.add(provider, fault),
		setCredentials(patch) {
			Object.assign(world.account, patch);
		},
		clearLockouts: () => kuaidi100.lock.clear(),
		async pushNow(trackingNumber, pushOptions = {}) {
			const result = await pushNow(world, PUSHERS, trackingNumber, pushOptions);
			pushes.push(result);
			return result;
		},
		close: async () => await server.close(),
	};
}
