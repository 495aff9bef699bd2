/**
 * Local stand-ins for Kuaidi100 and KeyDelivery, for tests and the offline demo.
 * Independent of the project's core (its own MD5, its own rendering), so that a
 * bug on one side of the wire cannot hide the same bug on the other.
 *
 * start.ts      startSandbox: one world, three fakes, one server, the Sandbox handle
 * http/         the small server: listen, record, faults and delays, route, close
 * kuaidi100/    poll service (query, map track, subscribe), autonumber service, lock, pushes
 * keydelivery/  service (create, realtime, detect) behind the signed envelope, webhooks
 * world.ts      shipments, clock, steps, account state and subscriptions the fakes share
 */
export { startSandbox } from './start';
export { DEFAULT_LOCKOUT_MESSAGE } from './kuaidi100/query-lock';
export { KUAIDI100_SANDBOX_CARRIERS } from './kuaidi100/carriers';
export { KEYDELIVERY_SANDBOX_CARRIERS } from './keydelivery/carriers';
export { sampleShipments } from './sample-shipments';
export { basicStatusCode } from './status-codes';
export type { BuiltPush } from './push';
export { buildKuaidi100Push, type Kuaidi100PushInput } from './kuaidi100/push';
export { renderKuaidi100Result, type Kuaidi100RenderOptions } from './kuaidi100/render';
export { buildKeyDeliveryWebhook, type KeyDeliveryWebhookInput } from './keydelivery/webhook';
export { renderKeyDeliveryItems, renderKeyDeliveryRealtime, type KeyDeliveryRenderOptions } from './keydelivery/render';
export { sandboxMd5 } from './digest';
export * from './types';
