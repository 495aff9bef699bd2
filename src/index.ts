export * from './core/errors';
export * from './core/http';
export * from './core/retry';
export * from './core/signing';
export * from './core/validation';
export * from './core/call';
export * from './kuaidi100/client';
export {
	KeyDeliveryClient,
	KEYDELIVERY_DEFAULT_BASE_URL,
	buildKeyDeliveryRequest,
	parseKeyDeliveryEnvelope,
	parseCreateResponse as parseKeyDeliveryCreateResponse,
	parseRealtimeResponse as parseKeyDeliveryRealtimeResponse,
	parseDetectResponse as parseKeyDeliveryDetectResponse,
	type KeyDeliveryConfig,
} from './keydelivery/client';
export * from './keydelivery/errors';
export * from './keydelivery/types';
export * from './kuaidi100/errors';
export * from './kuaidi100/types';
export {
	eventId,
	flattenLines,
	parseAreaCenter,
	text,
	TRACKING_EVENT_COLUMNS,
	type EventSource,
	type TrackingEvent,
} from './normalize/event';
export * from './normalize/milestones';
export * from './normalize/shipment';
export * from './normalize/time';
export * from './runtime/timers';
