import type { Provider } from '../../core/tracking-api-error';
import { fetchTransport, type HttpTransport } from '../../core/http';
import type { RetryOptions } from '../../core/retry';
import { providerOf, type ProviderEntry, type ServiceCredentials } from '../../providers';
import { ConfigError } from '../exit-codes';
import type { Shipment } from '../intake/shipment-row';
import { SETTINGS } from '../intake/settings';
import type { RunContext } from '../run/run-context';
import type { MinIntervalBook } from './min-interval-book';
import { RateLimiter, rateLimitedTransport, realSleep } from './rate-limiter';

/** A lookup function per service, from the provider registry. */
export type LookupClients = Map<Provider, (params: unknown) => Promise<unknown>>;

/**
 * One lookup function per service the due shipments need: the registry's
 * client over HTTP, with retries, the --rps limit and, for a service with a
 * minimum query interval, the book's lease gate on every request.
 */
export function createLookupClients(run: RunContext, due: readonly Shipment[], book: MinIntervalBook): LookupClients {
	const { config, deps } = run;
	const base = deps.transport ?? fetchTransport;
	const sleep = deps.sleep ?? realSleep;
	const retry: RetryOptions = {
		attempts: config.retries + 1,
		baseDelayMs: deps.retryDelays?.baseDelayMs ?? 500,
		maxDelayMs: deps.retryDelays?.maxDelayMs ?? 8000,
		...(deps.random ? { random: deps.random } : {}),
	};
	const limited = (transport: HttpTransport) =>
		config.rps > 0 ? rateLimitedTransport(transport, new RateLimiter(config.rps, () => run.now().getTime(), sleep)) : transport;
	const clients: LookupClients = new Map();
	for (const id of new Set(due.map((s) => s.provider))) {
		const entry = providerOf(id);
		const credentials = credentialsOf(run, id, entry);
		// Every request of a service with a minimum interval, retries included, waits for the lease.
		const transport = entry.minQueryIntervalMs > 0 ? book.gate(base) : base;
		clients.set(id, entry.lookupClient(credentials, { timeoutMs: config.timeoutMs, retry, sleep }, limited(transport)));
	}
	return clients;
}

/** The service's credentials from the settings; missing ones are a configuration error that names the settings. */
function credentialsOf(run: RunContext, id: Provider, entry: ProviderEntry): ServiceCredentials {
	const credentials = run.config[id] as unknown as ServiceCredentials;
	const missing = entry.credentialFields.filter((field) => !credentials[field]);
	if (missing.length === 0) return credentials;
	const settings = entry.credentialFields.map((field) => SETTINGS.find((spec) => spec.path === `${id}.${field}`));
	throw new ConfigError(
		`The list has ${entry.label} shipments but no ${entry.label} credentials: set ${settings.map((spec) => spec?.env).join(' and ')} ` +
			`(or ${settings.map((spec) => spec?.path).join(' and ')} in the config file)`,
	);
}

/** The service's reply to a lookup of the shipment (errors raised as TrackingApiError). */
export async function lookUp(run: RunContext, shipment: Shipment, clients: LookupClients): Promise<unknown> {
	const entry = providerOf(shipment.provider);
	const settings = run.config[shipment.provider] as { resultv2?: string; lang?: string };
	return await clients.get(shipment.provider)!(entry.lookupParams(shipment, { resultv2: settings.resultv2, lang: settings.lang }));
}
