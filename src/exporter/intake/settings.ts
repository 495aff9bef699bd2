import { DEFAULT_SOURCE_TIME_ZONE } from '../../normalize/time';

/**
 * Settings of the exporter. Every setting comes from, in order of precedence:
 *   1. a command-line flag,
 *   2. an environment variable,
 *   3. the JSON config file (--config or TRACKING_EXPORT_CONFIG),
 *   4. the built-in default.
 * Secrets (provider credentials, S3 static keys) have no flag: a flag is visible to
 * every user of the machine in the process list. They come from the environment or
 * the config file only.
 */
export interface ExportConfig {
	shipments: string;
	state: string;
	output: string;
	gzip: boolean;
	concurrency: number;
	threads: number;
	rps: number;
	timeoutMs: number;
	retries: number;
	partSizeMb: number;
	scheduledTime: string;
	strict: boolean;
	logFormat: 'auto' | 'json' | 'pretty';
	s3: {
		endpoint: string;
		region: string;
		forcePathStyle: boolean;
		accessKeyId: string;
		secretAccessKey: string;
		sessionToken: string;
	};
	kuaidi100: {
		customer: string;
		key: string;
		baseUrl: string;
		resultv2: string;
		lang: string;
		sourceTimeZone: string;
	};
	keydelivery: {
		apiKey: string;
		secret: string;
		baseUrl: string;
		sourceTimeZone: string;
	};
	schedule: {
		cron: string;
		timezone: string;
	};
}

type Kind = 'string' | 'int' | 'number' | 'bool' | 'enum';

export interface SettingSpec {
	/** Dotted path in ExportConfig and in the config file. */
	path: string;
	kind: Kind;
	env?: string;
	/** Long flag name without dashes; none for secrets. */
	flag?: string;
	/** Placeholder of the flag's value in --help. */
	arg?: string;
	secret?: boolean;
	choices?: readonly string[];
	min?: number;
	max?: number;
	default: string | number | boolean;
	description: string;
	/** Commands the flag is offered on (default: run and schedule). */
	commands?: ReadonlyArray<'run' | 'schedule'>;
}

export const DEFAULT_STATE = '.export-state.json';
export const DEFAULT_CRON = '0 2 * * *';

export const SETTINGS: readonly SettingSpec[] = [
	{ path: 'shipments', kind: 'string', env: 'TRACKING_EXPORT_SHIPMENTS', flag: 'shipments', arg: '<path|s3-url>', default: '',
		description: 'shipment list to watch: a CSV or JSON file, local or s3://bucket/key' },
	{ path: 'state', kind: 'string', env: 'TRACKING_EXPORT_STATE', flag: 'state', arg: '<path|s3-url>', default: DEFAULT_STATE,
		description: 'where the exporter remembers shipments and exported events (a local file or s3://bucket/key)' },
	{ path: 'output', kind: 'string', env: 'TRACKING_EXPORT_OUTPUT', flag: 'output', arg: '<s3-url>', default: '',
		description: 'destination s3://bucket/prefix; objects land at {prefix}/dt=YYYY-MM-DD/{run id}.csv[.gz]' },
	{ path: 'gzip', kind: 'bool', env: 'TRACKING_EXPORT_GZIP', flag: 'gzip', default: false,
		description: 'compress the CSV with gzip (.csv.gz)' },
	{ path: 'concurrency', kind: 'int', env: 'TRACKING_EXPORT_CONCURRENCY', flag: 'concurrency', arg: '<n>', min: 1, max: 256, default: 8,
		description: 'queries in flight at once' },
	{ path: 'threads', kind: 'int', env: 'TRACKING_EXPORT_THREADS', flag: 'threads', arg: '<n>', min: 0, max: 16, default: 2,
		description: 'threads that normalize replies and encode CSV (0: the main thread; one core is enough for a rate-limited export)' },
	{ path: 'rps', kind: 'number', env: 'TRACKING_EXPORT_RPS', flag: 'rps', arg: '<n>', min: 0, default: 0,
		description: 'at most this many requests per second to each service, retries included (0: no limit)' },
	{ path: 'timeoutMs', kind: 'int', env: 'TRACKING_EXPORT_TIMEOUT_MS', flag: 'timeout-ms', arg: '<ms>', min: 100, default: 15_000,
		description: 'timeout of one request to a tracking service' },
	{ path: 'retries', kind: 'int', env: 'TRACKING_EXPORT_RETRIES', flag: 'retries', arg: '<n>', min: 0, max: 10, default: 2,
		description: 'retries (with backoff) of a request that failed in a retryable way' },
	{ path: 'partSizeMb', kind: 'int', env: 'TRACKING_EXPORT_PART_SIZE_MB', flag: 'part-size-mb', arg: '<mb>', min: 5, max: 512, default: 5,
		description: 'multipart upload part size in MiB (S3 minimum 5)' },
	{ path: 'scheduledTime', kind: 'string', env: 'TRACKING_EXPORT_SCHEDULED_TIME', flag: 'scheduled-time', arg: '<time>', default: 'now',
		commands: ['run'],
		description: 'the time this run stands for, which names its object: an ISO-8601 time, "now", or "cron" (the latest slot of --cron, so a retried CronJob overwrites its own object)' },
	{ path: 'strict', kind: 'bool', env: 'TRACKING_EXPORT_STRICT', flag: 'strict', default: false,
		description: `exit ${4} when the run completed but some shipments failed or some rows were bad` },
	{ path: 'logFormat', kind: 'enum', env: 'TRACKING_EXPORT_LOG_FORMAT', flag: 'log-format', arg: '<format>', choices: ['auto', 'json', 'pretty'], default: 'auto',
		description: 'auto: progress bar on a terminal, JSON lines otherwise' },
	{ path: 's3.endpoint', kind: 'string', env: 'TRACKING_EXPORT_S3_ENDPOINT', flag: 's3-endpoint', arg: '<url>', default: '',
		description: 'S3-compatible endpoint (MinIO, R2, ...); default AWS' },
	{ path: 's3.region', kind: 'string', env: 'TRACKING_EXPORT_S3_REGION', flag: 's3-region', arg: '<region>', default: '',
		description: 'S3 region (default: AWS_REGION, or us-east-1 with a custom endpoint)' },
	{ path: 's3.forcePathStyle', kind: 'bool', env: 'TRACKING_EXPORT_S3_PATH_STYLE', flag: 's3-path-style', default: false,
		description: 'path-style S3 URLs (most self-hosted stores need it)' },
	{ path: 's3.accessKeyId', kind: 'string', secret: true, default: '',
		description: 'static S3 access key id (config file only; else the AWS credential chain: AWS_ACCESS_KEY_ID, profiles, roles)' },
	{ path: 's3.secretAccessKey', kind: 'string', secret: true, default: '', description: 'static S3 secret key (config file only)' },
	{ path: 's3.sessionToken', kind: 'string', secret: true, default: '', description: 'static S3 session token (config file only)' },
	{ path: 'kuaidi100.customer', kind: 'string', env: 'KUAIDI100_CUSTOMER', secret: true, default: '',
		description: 'Kuaidi100 customer (authorization code)' },
	{ path: 'kuaidi100.key', kind: 'string', env: 'KUAIDI100_KEY', secret: true, default: '', description: 'Kuaidi100 API key' },
	{ path: 'kuaidi100.baseUrl', kind: 'string', env: 'TRACKING_EXPORT_KUAIDI100_BASE_URL', flag: 'kuaidi100-base-url', arg: '<url>', default: '',
		description: 'Kuaidi100 poll API root (default https://poll.kuaidi100.com)' },
	{ path: 'kuaidi100.resultv2', kind: 'enum', env: 'TRACKING_EXPORT_KUAIDI100_RESULTV2', choices: ['0', '1', '4', '8'], default: '4',
		description: 'Kuaidi100 resultv2 (4: advanced status codes and regions)' },
	{ path: 'kuaidi100.lang', kind: 'enum', env: 'TRACKING_EXPORT_KUAIDI100_LANG', choices: ['', 'zh', 'en'], default: '',
		description: 'Kuaidi100 reply language (zh or en; default the service default)' },
	{ path: 'kuaidi100.sourceTimeZone', kind: 'string', env: 'TRACKING_EXPORT_KUAIDI100_TIME_ZONE', flag: 'kuaidi100-time-zone', arg: '<zone>', default: DEFAULT_SOURCE_TIME_ZONE,
		description: 'time zone of Kuaidi100 times (IANA name or +08:00)' },
	{ path: 'keydelivery.apiKey', kind: 'string', env: 'KEYDELIVERY_API_KEY', secret: true, default: '', description: 'KeyDelivery API key' },
	{ path: 'keydelivery.secret', kind: 'string', env: 'KEYDELIVERY_SECRET', secret: true, default: '', description: 'KeyDelivery secret' },
	{ path: 'keydelivery.baseUrl', kind: 'string', env: 'TRACKING_EXPORT_KEYDELIVERY_BASE_URL', flag: 'keydelivery-base-url', arg: '<url>', default: '',
		description: 'KeyDelivery API root (default https://www.kd100.com)' },
	{ path: 'keydelivery.sourceTimeZone', kind: 'string', env: 'TRACKING_EXPORT_KEYDELIVERY_TIME_ZONE', flag: 'keydelivery-time-zone', arg: '<zone>', default: DEFAULT_SOURCE_TIME_ZONE,
		description: 'time zone of KeyDelivery times (IANA name or +08:00)' },
	{ path: 'schedule.cron', kind: 'string', env: 'TRACKING_EXPORT_CRON', flag: 'cron', arg: '<expression>', default: DEFAULT_CRON,
		description: 'cron expression of the schedule (5 fields, or 6 with seconds)' },
	{ path: 'schedule.timezone', kind: 'string', env: 'TRACKING_EXPORT_TIMEZONE', flag: 'timezone', arg: '<zone>', default: 'UTC',
		description: 'time zone the cron expression is read in (IANA name)' },
];
