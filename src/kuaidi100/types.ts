export type Kuaidi100Resultv2 = '0' | '1' | '4' | '8';

export interface Kuaidi100QueryParams {
	/** Carrier code, lower case (e.g. `yuantong`). */
	com: string;
	/** Tracking number, 6 to 32 characters. */
	num: string;
	phone?: string;
	from?: string;
	to?: string;
	resultv2?: Kuaidi100Resultv2 | string;
	show?: string;
	order?: 'desc' | 'asc';
	lang?: 'zh' | 'en' | string;
}

export interface Kuaidi100SubscribeParams {
	/** Carrier code; may be empty with `autoCom`. */
	company?: string;
	number: string;
	from?: string;
	to?: string;
	callbackUrl: string;
	salt?: string;
	resultv2?: string;
	autoCom?: boolean;
	interCom?: boolean;
	departureCountry?: string;
	departureCom?: string;
	destinationCountry?: string;
	destinationCom?: string;
	phone?: string;
}

export interface Kuaidi100SubscribeResult {
	result: true;
	returnCode: string;
	message: string;
	/** True when Kuaidi100 answered 501: the number was already subscribed. */
	alreadySubscribed: boolean;
}

export interface Kuaidi100CarrierCandidate {
	comCode: string;
	name: string;
}

/** One event (`data[]` item); any field may be null. */
export interface Kuaidi100RawEvent {
	time?: string | null;
	ftime?: string | null;
	context?: string | null;
	status?: string | null;
	statusCode?: string | null;
	areaCode?: string | null;
	areaName?: string | null;
	areaCenter?: string | null;
	location?: string | null;
	areaPinYin?: string | null;
}

export interface Kuaidi100QueryResult {
	message?: string;
	nu?: string;
	ischeck?: string;
	com?: string;
	status?: string;
	state?: string;
	condition?: string;
	data: Kuaidi100RawEvent[];
	routeInfo?: Record<string, { number?: string | null; name?: string | null } | null> | null;
	isLoop?: boolean;
	arrivalTime?: string | null;
	totalTime?: string | null;
	remainTime?: string | null;
	trailUrl?: string | null;
	[extra: string]: unknown;
}

/** The parsed `param` of a Kuaidi100 push. */
export interface Kuaidi100PushPayload {
	status?: string;
	billstatus?: string;
	message?: string;
	autoCheck?: string;
	comOld?: string;
	comNew?: string;
	lastResult?: Kuaidi100QueryResult;
	destResult?: Kuaidi100QueryResult;
	[extra: string]: unknown;
}
