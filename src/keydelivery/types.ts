export interface KeyDeliveryTrackingParams {
	carrier_id: string;
	tracking_number: string;
	phone?: string;
	ship_from?: string;
	ship_to?: string;
	/** 1: items carry status code/description, location and area name. */
	area_show?: 0 | 1;
	order?: 'desc' | 'asc';
}

export interface KeyDeliveryCreateParams extends KeyDeliveryTrackingParams {
	webhook_url: string;
}

export interface KeyDeliveryRawItem {
	time?: string | null;
	context?: string | null;
	order_status_code?: string | number | null;
	order_status_description?: string | null;
	area_name?: string | null;
	location?: string | null;
}

export interface KeyDeliveryRealtimeData {
	carrier_id?: string;
	tracking_number?: string;
	order_status_code?: string | number | null;
	items: KeyDeliveryRawItem[];
	[extra: string]: unknown;
}

export interface KeyDeliveryEnvelope<T = unknown> {
	code: number;
	message: string;
	data?: T;
}

export interface KeyDeliveryCreateResult {
	code: number;
	message: string;
	/** True when the service answered 60201: the tracking already existed. */
	alreadyExists: boolean;
}

export interface KeyDeliveryCarrierCandidate {
	carrier_id: string;
	carrier_name: string;
}

/** What KeyDelivery POSTs to a webhook_url. */
export interface KeyDeliveryWebhookPayload {
	event?: string;
	message?: string;
	carrier_id?: string;
	tracking_number?: string;
	signer?: string;
	order_status_code?: string | number | null;
	items?: KeyDeliveryRawItem[];
	[extra: string]: unknown;
}
