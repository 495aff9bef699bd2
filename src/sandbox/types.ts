/**
 * Types of the local stand-ins for Kuaidi100 and KeyDelivery (see ./start.ts).
 * Nothing here imports the project's own core: the sandbox is the independent
 * other side of the wire.
 */

export type SandboxProvider = 'kuaidi100' | 'keydelivery';

/** The one Kuaidi100 account the sandbox knows (override with SandboxOptions.kuaidi100). */
export const SANDBOX_KUAIDI100: Readonly<{ customer: string; key: string; salt: string }> = Object.freeze({
	customer: 'SANDBOXCUSTOMER',
	key: 'sandbox-key',
	salt: 'sandbox-salt',
});

/** The one KeyDelivery account the sandbox knows (override with SandboxOptions.keyDelivery). */
export const SANDBOX_KEYDELIVERY: Readonly<{ apiKey: string; secret: string }> = Object.freeze({
	apiKey: 'sandbox-api-key',
	secret: 'sandbox-secret',
});

/** One event of a scripted timeline. */
export interface SandboxEvent {
	/** 'YYYY-MM-DD HH:mm:ss', China time for Kuaidi100 (no zone, as the services send it). */
	time: string;
	/** The advanced status code (`statusCode` / `order_status_code`), e.g. '304'. */
	statusCode: string;
	/** Status name as sent with lang=en (Kuaidi100) or as KeyDelivery sends it. */
	status: string;
	context: string;
	/** `undefined` renders as null (Kuaidi100) or the string "null" (KeyDelivery, as its examples do). */
	areaCode?: string | null;
	areaName?: string | null;
	/** "lng,lat" */
	areaCenter?: string | null;
	location?: string | null;
	areaPinYin?: string | null;
}

export interface SandboxShipment {
	provider: SandboxProvider;
	carrier: string;
	trackingNumber: string;
	/** Required by Kuaidi100 for shunfeng / shunfengkuaiyun: the full number or its last 4 digits must be sent. */
	phone?: string;
	/** Oldest first. */
	timeline: SandboxEvent[];
}

export interface SandboxLockoutReply {
	returnCode: string;
	message: string;
}

export interface SandboxAccountState {
	/** Kuaidi100 key expired / no quota: queries and autonumber answer 601, subscribe answers 601. */
	kuaidi100KeyExpired: boolean;
	/** KeyDelivery quota exhausted: every call answers code 401. */
	keyDeliveryQuotaExhausted: boolean;
	/** KeyDelivery account blocked: every call answers code 106. */
	keyDeliveryBlocked: boolean;
}

export interface SandboxOptions {
	/** Default: sampleShipments(). */
	shipments?: SandboxShipment[];
	/** The sandbox clock (lockout, resultv2=8 times, subscription times). Default: real time. */
	now?: () => Date;
	/** Delay added before every reply. Default 0. */
	replyDelayMs?: number;
	/** Kuaidi100 30-minute lockout of a com+num after a successful query. Default true. */
	enforceLockout?: boolean;
	/** Lockout length in minutes. Default 30. */
	lockoutMinutes?: number;
	/** The reply to a locked query. Default {returnCode:'400', message: DEFAULT_LOCKOUT_MESSAGE}. */
	lockoutReply?: SandboxLockoutReply;
	/** How many timeline events are visible at step 0. Default 2. */
	revealSteps?: number;
	/** Credentials the sandbox accepts. Default SANDBOX_KUAIDI100 / SANDBOX_KEYDELIVERY. */
	kuaidi100?: { customer: string; key: string };
	keyDelivery?: { apiKey: string; secret: string };
	/** Initial account state (all false by default); change it later with setCredentials(). */
	account?: Partial<SandboxAccountState>;
}

export interface RecordedRequest {
	provider: SandboxProvider;
	/** Path without the query string. */
	path: string;
	method: string;
	/** Lower-cased header names; repeated headers joined with ", ". */
	headers: Record<string, string>;
	/** The body exactly as received, decoded as UTF-8. */
	rawBody: string;
	query: Record<string, string>;
	/** Sandbox clock when received, ISO-8601. */
	receivedAt: string;
}

export interface SandboxFault {
	/** Provider code to answer with: Kuaidi100 `{result:false, returnCode, message}` / KeyDelivery `{code, message}`. */
	code?: string | number;
	/** Wait this long before answering (the request is then handled normally unless another fault is set). */
	delayMs?: number;
	/** Answer with truncated, unparsable JSON. */
	brokenBody?: boolean;
	/** Answer with this HTTP status (an HTML error page unless `code` or `brokenBody` say otherwise). */
	httpStatus?: number;
	/** Destroy the connection without answering. */
	reset?: boolean;
	/** Only requests to this exact path match (e.g. '/poll/query.do'); default any path of the provider. */
	path?: string;
	/** How many matching requests get this fault. Default 1. */
	times?: number;
}

export interface SandboxSubscription {
	provider: SandboxProvider;
	carrier: string;
	trackingNumber: string;
	callbackUrl: string;
	/** Kuaidi100 only: pushes are signed with it when present. */
	salt?: string;
	/** Kuaidi100: resultv2 of the pushes' lastResult. */
	resultv2?: string;
	/** KeyDelivery: area_show of the webhook items. */
	areaShow?: boolean;
	phone?: string;
	createdAt: string;
	/** The subscription request's param / body, parsed. */
	request: Record<string, unknown>;
}

export interface SandboxPushOptions {
	/** Which subscription when the same number is subscribed with both providers. */
	provider?: SandboxProvider;
	carrier?: string;
	/** Kuaidi100 push `status` (polling | shutdown | abort | updateall); default derived from the timeline. */
	status?: string;
	/** Kuaidi100 push `message` / KeyDelivery webhook `message`. */
	message?: string;
	/** KeyDelivery webhook `event`. */
	event?: string;
	/** Override the callback URL (default: the subscribed one). */
	url?: string;
	timeoutMs?: number;
}

export interface SandboxPushResult {
	provider: SandboxProvider;
	url: string;
	/** What was sent. */
	body: string;
	contentType: string;
	/** The receiver's answer. */
	status: number;
	responseBody: string;
	/**
	 * Whether the service would treat the push as delivered: Kuaidi100 needs HTTP 200 and a JSON
	 * body with result true and returnCode "200"; KeyDelivery needs HTTP 200.
	 */
	acknowledged: boolean;
}

export interface Sandbox {
	/** Poll endpoints: /poll/query.do, /poll/maptrack.do, /poll. */
	kuaidi100BaseUrl: string;
	/** /autonumber/auto, on a server of its own (another host in reality). */
	kuaidi100AutonumberBaseUrl: string;
	/** /api/v1/tracking/create, /api/v1/tracking/realtime, /api/v1/carriers/detect. */
	keyDeliveryBaseUrl: string;
	/** Every request received, in order (including faulted and rejected ones). */
	requests: RecordedRequest[];
	/** Accepted subscriptions (Kuaidi100 /poll and KeyDelivery create). */
	subscriptions: SandboxSubscription[];
	/** Pushes sent with pushNow(). */
	pushes: SandboxPushResult[];
	/** The shipments served (a private copy of options.shipments). */
	readonly shipments: readonly SandboxShipment[];
	/** Current step (starts at 0). */
	readonly step: number;
	/** Reveal more of every timeline: event i is visible when i < revealSteps + step. */
	advance(steps?: number): void;
	/** The currently visible events of a shipment, oldest first ([] if unknown). */
	visibleEvents(provider: SandboxProvider, carrier: string, trackingNumber: string): SandboxEvent[];
	/** Queue a scripted failure for the next matching call(s); faults are used in the order queued. */
	failNext(provider: SandboxProvider, fault: SandboxFault): void;
	/** Change the account state, e.g. { kuaidi100KeyExpired: true } or { keyDeliveryQuotaExhausted: true }. */
	setCredentials(patch: Partial<SandboxAccountState>): void;
	/** Forget all Kuaidi100 lockouts. */
	clearLockouts(): void;
	/** Send a push for a subscribed number exactly as the service would, and report the receiver's answer. */
	pushNow(trackingNumber: string, options?: SandboxPushOptions): Promise<SandboxPushResult>;
	close(): Promise<void>;
}
