import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SOURCE_TIME_ZONE, assertTimeZone } from '../../normalize/time';
import { ConfigError } from '../exit-codes';
import { parseOutputLocation } from '../storage/location';

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

export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

export interface ResolvedConfig {
	config: ExportConfig;
	/** Where each setting came from. */
	sources: Record<string, ConfigSource>;
	/** The secret values in use, for redaction of every output. */
	secrets: string[];
	/** Warnings to log (e.g. a config file readable by other users). */
	warnings: string[];
}

export interface ResolveOptions {
	/** Flag values by setting path (already parsed by the CLI); undefined means not given. */
	flags?: Record<string, unknown>;
	env?: NodeJS.ProcessEnv;
	/** Path of the config file; default: env TRACKING_EXPORT_CONFIG. */
	configFile?: string;
	cwd?: string;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

function coerce(spec: SettingSpec, raw: unknown, origin: string): string | number | boolean {
	const where = `${spec.path} (${origin})`;
	switch (spec.kind) {
		case 'bool': {
			if (typeof raw === 'boolean') return raw;
			const text = String(raw).trim().toLowerCase();
			if (TRUE.has(text)) return true;
			if (FALSE.has(text)) return false;
			throw new ConfigError(`${where}: expected true or false, got "${String(raw)}"`);
		}
		case 'int':
		case 'number': {
			const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
			if (String(raw).trim() === '' || !Number.isFinite(value) || (spec.kind === 'int' && !Number.isInteger(value))) {
				throw new ConfigError(`${where}: expected ${spec.kind === 'int' ? 'a whole number' : 'a number'}, got "${String(raw)}"`);
			}
			if (spec.min !== undefined && value < spec.min) throw new ConfigError(`${where}: must be at least ${spec.min}`);
			if (spec.max !== undefined && value > spec.max) throw new ConfigError(`${where}: must be at most ${spec.max}`);
			return value;
		}
		case 'enum': {
			const text = String(raw).trim();
			if (!spec.choices?.includes(text)) {
				throw new ConfigError(`${where}: expected one of ${spec.choices?.map((c) => `"${c}"`).join(', ')}, got "${text}"`);
			}
			return text;
		}
		default:
			if (typeof raw !== 'string' && typeof raw !== 'number') throw new ConfigError(`${where}: expected text`);
			return String(raw).trim();
	}
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
	const parts = dotted.split('.');
	let node = target;
	for (const part of parts.slice(0, -1)) {
		node[part] ??= {};
		node = node[part] as Record<string, unknown>;
	}
	node[parts[parts.length - 1]] = value;
}

function getPath(source: unknown, dotted: string): unknown {
	let node = source;
	for (const part of dotted.split('.')) {
		if (typeof node !== 'object' || node === null) return undefined;
		node = (node as Record<string, unknown>)[part];
	}
	return node;
}

/** Rejects unknown keys (a typo would otherwise be silently ignored). */
function checkKeys(file: Record<string, unknown>, origin: string): void {
	const known = new Set(SETTINGS.map((s) => s.path));
	const groups = new Set(SETTINGS.filter((s) => s.path.includes('.')).map((s) => s.path.split('.')[0]));
	for (const [key, value] of Object.entries(file)) {
		if (key === '$schema' || key.startsWith('//')) continue;
		if (groups.has(key)) {
			if (typeof value !== 'object' || value === null || Array.isArray(value)) {
				throw new ConfigError(`${origin}: "${key}" must be an object`);
			}
			for (const inner of Object.keys(value)) {
				if (!known.has(`${key}.${inner}`)) {
					const allowed = SETTINGS.filter((s) => s.path.startsWith(`${key}.`)).map((s) => s.path.split('.')[1]);
					throw new ConfigError(`${origin}: unknown setting "${key}.${inner}" (known: ${allowed.join(', ')})`);
				}
			}
		} else if (!known.has(key)) {
			const allowed = [...new Set(SETTINGS.map((s) => s.path.split('.')[0]))];
			throw new ConfigError(`${origin}: unknown setting "${key}" (known: ${allowed.join(', ')})`);
		}
	}
}

async function readConfigFile(file: string, warnings: string[]): Promise<Record<string, unknown>> {
	let text: string;
	try {
		text = await fs.readFile(file, 'utf8');
	} catch (error) {
		throw new ConfigError(`Cannot read the config file ${file}: ${(error as Error).message}`, { cause: error });
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new ConfigError(`The config file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new ConfigError(`The config file ${file} must hold a JSON object`);
	}
	checkKeys(parsed as Record<string, unknown>, `config file ${file}`);
	const hasSecret = SETTINGS.some((s) => s.secret && getPath(parsed, s.path));
	if (hasSecret && process.platform !== 'win32') {
		try {
			const mode = (await fs.stat(file)).mode;
			if (mode & 0o077) {
				warnings.push(`The config file ${path.basename(file)} holds secrets but other users can read it: chmod 600 it`);
			}
		} catch {
			// The file was just read; a failing stat changes nothing.
		}
	}
	return parsed as Record<string, unknown>;
}

/** Merges defaults, the config file, the environment and the flags, in that order of precedence. */
export async function resolveConfig(options: ResolveOptions = {}): Promise<ResolvedConfig> {
	const env = options.env ?? process.env;
	const flags = options.flags ?? {};
	const warnings: string[] = [];
	const configFile = options.configFile ?? env.TRACKING_EXPORT_CONFIG;
	const file = configFile ? await readConfigFile(path.resolve(options.cwd ?? process.cwd(), configFile), warnings) : {};
	const config: Record<string, unknown> = {};
	const sources: Record<string, ConfigSource> = {};
	const secrets: string[] = [];
	for (const spec of SETTINGS) {
		const { value, source } = resolveSetting(spec, file, env, flags);
		if (spec.secret && typeof value === 'string' && value !== '') secrets.push(value);
		setPath(config, spec.path, value);
		sources[spec.path] = source;
	}
	const resolved = config as unknown as ExportConfig;
	for (const zone of [resolved.kuaidi100.sourceTimeZone, resolved.keydelivery.sourceTimeZone, resolved.schedule.timezone]) {
		try {
			assertTimeZone(zone);
		} catch {
			throw new ConfigError(`Unknown time zone "${zone}": use an IANA name such as Asia/Shanghai, or an offset such as +08:00`);
		}
	}
	return { config: resolved, sources, secrets, warnings };
}

/** One setting's value and where it came from: flag over environment over file over default (each given value is checked). */
function resolveSetting(
	spec: SettingSpec,
	file: Record<string, unknown>,
	env: NodeJS.ProcessEnv,
	flags: Record<string, unknown>,
): { value: string | number | boolean; source: ConfigSource } {
	let resolved: { value: string | number | boolean; source: ConfigSource } = { value: spec.default, source: 'default' };
	const fromFile = getPath(file, spec.path);
	if (fromFile !== undefined && fromFile !== null) resolved = { value: coerce(spec, fromFile, 'config file'), source: 'file' };
	const fromEnv = spec.env ? env[spec.env] : undefined;
	if (fromEnv !== undefined && fromEnv !== '') resolved = { value: coerce(spec, fromEnv, `environment ${spec.env}`), source: 'env' };
	const fromFlag = flags[spec.path];
	if (fromFlag === undefined) return resolved;
	if (spec.secret) throw new ConfigError(`${spec.path} is a secret: set it in the environment or the config file`);
	return { value: coerce(spec, fromFlag, `--${spec.flag}`), source: 'flag' };
}

/** The settings one command needs are there and make sense. */
export function checkRunConfig(config: ExportConfig): void {
	if (!config.shipments) {
		throw new ConfigError('No shipment list: give --shipments <path|s3://bucket/key> (or TRACKING_EXPORT_SHIPMENTS)');
	}
	if (!config.output) {
		throw new ConfigError('No destination: give --output s3://bucket/prefix (or TRACKING_EXPORT_OUTPUT)');
	}
	parseOutputLocation(config.output);
	if (!config.state) throw new ConfigError('No state location: give --state <path|s3://bucket/key>');
	for (const [name, url] of [
		['kuaidi100-base-url', config.kuaidi100.baseUrl],
		['keydelivery-base-url', config.keydelivery.baseUrl],
		['s3-endpoint', config.s3.endpoint],
	] as const) {
		if (url && !/^https?:\/\/[^/]/i.test(url)) throw new ConfigError(`--${name} must be an http(s) URL, got "${url}"`);
	}
}
