import * as path from 'node:path';
import { assertTimeZone } from '../../normalize/time';
import { ConfigError } from '../exit-codes';
import { parseOutputLocation } from '../storage/location';
import { getPath, readConfigFile } from './settings-file';
import { SETTINGS, type ExportConfig, type SettingSpec } from './settings';

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
