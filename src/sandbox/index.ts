/**
 * Local stand-ins for Kuaidi100 and KeyDelivery, for tests and the offline demo.
 * Independent of the project's core (its own MD5, its own rendering), so that a
 * bug on one side of the wire cannot hide the same bug on the other.
 */
export {
	startSandbox,
	DEFAULT_LOCKOUT_MESSAGE,
	KUAIDI100_SANDBOX_CARRIERS,
	KEYDELIVERY_SANDBOX_CARRIERS,
} from './server';
export { sampleShipments } from './sample-shipments';
export {
	buildKuaidi100Push,
	buildKeyDeliveryWebhook,
	renderKuaidi100Result,
	renderKeyDeliveryItems,
	renderKeyDeliveryRealtime,
	basicStatusCode,
	type BuiltPush,
	type Kuaidi100PushInput,
	type KeyDeliveryWebhookInput,
	type Kuaidi100RenderOptions,
	type KeyDeliveryRenderOptions,
} from './render';
export { sandboxMd5 } from './digest';
export * from './types';
