import { TrackingApiError, type Provider } from '../core/errors';
import { fetchTransport, type HttpTransport } from '../core/http';
import { runPool } from '../core/pool';
import type { RetryOptions } from '../core/retry';
import { isTerminal, type Milestone } from '../normalize/milestones';
import { providerOf, type ServiceCredentials } from '../providers';
import { SETTINGS, checkRunConfig, type ExportConfig } from './intake/settings';
import { ConfigError, EXIT, ExporterError, FatalAccountError, InterruptedError, StorageError, messageOf } from './exit-codes';
import { manifestJson, runLayout, type RunLayout } from './emit/object-layout';
import { RateLimiter, rateLimitedTransport, realSleep, type Sleep } from './fetch/rate-limiter';
import { LockoutBook, lastQueryBound, leaseOptions, restampLegacyInflight, type LeaseOptions } from './fetch/min-interval-book';
import { checked, preflight } from './intake/preflight';
import { recoverInflight, type RecoveryResult } from './intake/recovery';
import type { ObjectInfo, Reporter, RunSummary } from './report/reporters';
import { loadShipmentList, type Shipment } from './intake/shipment-list';
import { createEncoder, type ShipmentEncoder } from './emit/encoder';
import { ExportState, StateStore, type Journal } from './state/export-state';
import { Storage, formatLocation } from './storage/storage';
import { ObjectWriter } from './emit/object-writer';

export { KUAIDI100_MIN_INTERVAL_MS } from './fetch/min-interval-book';
/** A lookup function per service, from the provider registry. */
type Clients = Map<Provider, (params: unknown) => Promise<unknown>>;
const MAX_LOGGED_FAILURES = 50;
const EMPTY = new Uint8Array(0);

export interface RunDeps {
	storage: Storage;
	reporter: Reporter;
	/** HTTP to the tracking services; default Node's fetch. */
	transport?: HttpTransport;
	/** The run's clock (30-minute rule, fetched_at); default real time. */
	now?: () => Date;
	/** Sleep for retry backoff and the rate limit; default setTimeout. */
	sleep?: Sleep;
	random?: () => number;
	/** Stops the run: no new query starts, the upload is aborted, nothing is committed. */
	signal?: AbortSignal;
	/** Test seams: called between the upload (data + manifest) and the commit of the state. */
	hooks?: { beforeCommit?: () => void | Promise<void> };
	/** The 30-minute rule's journal lease; default from --rps, --concurrency and the request timeout (lockout.ts). */
	lease?: LeaseOptions;
	/** Retry backoff; default 500 ms doubling to 8 s. */
	retryDelays?: { baseDelayMs: number; maxDelayMs: number };
	/** Who turns replies into CSV; default `threads` encoder threads (encoder.ts). */
	encoder?: () => ShipmentEncoder;
}

interface Outcome {
	queriedAt: string;
	milestone?: Milestone;
	lastEventTime?: string;
	/** Packed id prefixes of the events written by this run. */
	prefixes: Buffer;
}

export function emptySummary(layout: { runId: string; scheduledAt: string }, startedAt: Date): RunSummary {
	return {
		runId: layout.runId,
		scheduledAt: layout.scheduledAt,
		status: 'ok',
		exitCode: EXIT.OK,
		startedAt: startedAt.toISOString(),
		finishedAt: startedAt.toISOString(),
		durationMs: 0,
		shipments: { listed: 0, badRows: 0, due: 0, queried: 0, skippedLockout: 0, skippedTerminal: 0, noResultYet: 0, failed: 0 },
		events: { fetched: 0, new: 0, duplicate: 0 },
		objects: [],
		bytes: 0,
		committed: false,
	};
}

function statusOf(error: unknown): RunSummary['status'] {
	if (error instanceof FatalAccountError) return 'fatal';
	if (error instanceof InterruptedError) return 'interrupted';
	if (error instanceof ConfigError) return 'config';
	return 'failed';
}

/**
 * One export: recover an interrupted run, read the shipment list, pick the due
 * shipments, query them, write their new events to S3, then commit the state.
 * Never throws for run-level failures: the summary carries status and exit code.
 */
export async function runExport(config: ExportConfig, scheduledAt: Date, deps: RunDeps): Promise<RunSummary> {
	const now = deps.now ?? (() => new Date());
	const startedAt = now();
	const reporter = deps.reporter;
	let layout: RunLayout | { runId: string; scheduledAt: string } = {
		runId: scheduledAt.toISOString(),
		scheduledAt: scheduledAt.toISOString(),
	};
	let summary = emptySummary(layout, startedAt);
	try {
		checkRunConfig(config);
		const fullLayout = runLayout(config.output, scheduledAt, config.gzip);
		layout = fullLayout;
		summary = emptySummary(layout, startedAt);
		await new Exporter(config, fullLayout, deps, summary, now).run();
	} catch (error) {
		summary.status = statusOf(error);
		summary.exitCode = error instanceof ExporterError ? error.exitCode : EXIT.FAILED;
		summary.error = messageOf(error);
		reporter.log('error', `run.${summary.status}`, summary.error, { runId: summary.runId });
	}
	const finishedAt = now();
	summary.finishedAt = finishedAt.toISOString();
	summary.durationMs = Math.max(0, finishedAt.getTime() - startedAt.getTime());
	const needsALook = summary.shipments.failed > 0 || summary.shipments.badRows > 0 || (summary.warnings?.length ?? 0) > 0;
	if (summary.status === 'ok' && config.strict && needsALook) {
		summary.exitCode = EXIT.PARTIAL;
	}
	reporter.summary(summary);
	return summary;
}

class Exporter {
	private readonly store: StateStore;
	private readonly reporter: Reporter;
	private state = new ExportState();
	private journal: Journal = { version: 1, queries: {} };

	constructor(
		private readonly config: ExportConfig,
		private readonly layout: RunLayout,
		private readonly deps: RunDeps,
		private readonly summary: RunSummary,
		private readonly now: () => Date,
	) {
		this.store = new StateStore(deps.storage, deps.storage.parse(config.state));
		this.reporter = deps.reporter;
	}

	async run(): Promise<void> {
		const { layout, reporter, summary } = this;
		reporter.log('info', 'run.start', `Run ${layout.runId} (scheduled ${layout.scheduledAt})`, {
			runId: layout.runId,
			scheduledAt: layout.scheduledAt,
			state: formatLocation(this.store.stateAt),
			output: this.config.output,
		});
		const endpoint = this.config.s3.endpoint;
		const stateAt = formatLocation(this.store.stateAt);
		this.state = await checked('state', stateAt, endpoint, async () => await this.store.loadState());
		this.journal = await checked('state', stateAt, endpoint, async () => await this.store.loadJournal());

		const listAt = this.deps.storage.parse(this.config.shipments);
		const list = await checked('shipments', formatLocation(listAt), endpoint, async () => await loadShipmentList(this.deps.storage, listAt));
		summary.shipments.listed = list.shipments.length;
		summary.shipments.badRows = list.badRows.length;
		for (const bad of list.badRows) {
			reporter.log('warn', 'shipments.bad_row', `${formatLocation(listAt)} line ${bad.line}: ${bad.reason}; row skipped`, {
				line: bad.line,
				reason: bad.reason,
			});
		}

		if (list.shipments.length === 0 && list.badRows.length === 0) {
			const warning = `The shipment list ${formatLocation(listAt)} holds no shipment (empty or header only): nothing to query`;
			(summary.warnings ??= []).push(warning);
			reporter.log('warn', 'shipments.empty', warning, { shipments: formatLocation(listAt) });
		}

		// Before anything is queried or reserved: can the run write its state and its output?
		await preflight(this.deps.storage, this.store, this.journal, layout, endpoint);

		if (this.journal.inflight) {
			restampLegacyInflight(this.journal, this.now());
			await this.recover(list.shipments);
		}

		if (this.state.hasRun(layout.runId)) {
			summary.status = 'already-done';
			reporter.log('info', 'run.already_done', `Run ${layout.runId} was already completed; nothing to do (give another --scheduled-time to run again)`, {
				runId: layout.runId,
			});
			return;
		}

		const due = this.selectDue(list.shipments);
		summary.shipments.due = due.length;
		reporter.log('info', 'shipments.due', `${due.length} of ${list.shipments.length} shipment(s) due`, {
			due: due.length,
			skippedLockout: summary.shipments.skippedLockout,
			skippedTerminal: summary.shipments.skippedTerminal,
		});
		const book = new LockoutBook(
			this.journal,
			// Numbers with a minimum query interval (Kuaidi100's 30 minutes) are booked.
			due.filter((s) => providerOf(s.provider).minQueryIntervalMs > 0).map((s) => s.key),
			async (journal) => await this.store.saveJournal(journal),
			this.now,
			this.deps.lease ?? leaseOptions(this.config.rps, this.config.concurrency, this.config.timeoutMs),
		);
		const clients = this.createClients(due, book);

		// Write-ahead: before the first query, the journal holds the in-flight run
		// and the first reservations (lockout.ts says why a crash cannot lead to a
		// second query within 30 minutes).
		await book.open({
			runId: layout.runId,
			scheduledAt: layout.scheduledAt,
			startedAt: this.now().toISOString(),
			dataUrl: layout.dataUrl,
			manifestUrl: layout.manifestUrl,
		});

		const writer = new ObjectWriter({
			client: this.deps.storage.client,
			bucket: layout.bucket,
			key: layout.dataKey,
			gzip: this.config.gzip,
			partSize: this.config.partSizeMb * 1024 * 1024,
		});
		const outcomes = new Map<string, Outcome>();
		let stop: Error | undefined;
		const encoder = this.deps.encoder?.() ?? createEncoder(this.config.threads);
		try {
			stop = await this.queryAll(due, clients, encoder, writer, outcomes, book);
		} catch (error) {
			stop = error as Error;
		} finally {
			await encoder.close();
		}
		if (stop) {
			await writer.abort(stop);
			await book.settle({ clearInflight: true });
			throw stop;
		}

		let object: ObjectInfo | undefined;
		try {
			const written = await writer.finish();
			if (written) {
				object = { url: layout.dataUrl, key: layout.dataKey, bytes: written.bytes, rows: written.rows };
				await this.writeManifest(object);
			}
		} catch (error) {
			await writer.abort(error as Error);
			// The data object may be complete while its manifest is not: remove it,
			// and keep the in-flight note unless that succeeded (the next run adopts it).
			let removed = !object;
			if (object) {
				try {
					await this.deps.storage.remove(this.deps.storage.parse(object.url));
					removed = true;
				} catch (removeError) {
					reporter.log('warn', 'cleanup.failed', `Could not remove ${object.url}: ${messageOf(removeError)}; the next run adopts it`);
				}
			}
			await book.settle({ clearInflight: removed });
			throw error instanceof ExporterError ? error : new StorageError(messageOf(error), { cause: error });
		}
		if (object) {
			summary.objects.push(object);
			summary.manifest = layout.manifestUrl;
			summary.bytes = object.bytes;
		}

		await this.deps.hooks?.beforeCommit?.();

		// Commit: only now does the state learn what was exported.
		for (const [key, outcome] of outcomes) {
			const entry = this.state.entry(key);
			entry.lastQueriedAt = outcome.queriedAt;
			if (outcome.milestone) entry.lastMilestone = outcome.milestone;
			if (outcome.lastEventTime && (!entry.lastEventTime || outcome.lastEventTime > entry.lastEventTime)) {
				entry.lastEventTime = outcome.lastEventTime;
			}
			ExportState.addExported(entry, outcome.prefixes);
		}
		this.state.addRun({
			runId: layout.runId,
			scheduledAt: layout.scheduledAt,
			finishedAt: this.now().toISOString(),
			events: summary.events.new,
			objects: object ? [object.url] : [],
			...(object ? { manifest: layout.manifestUrl } : {}),
		});
		try {
			await this.store.saveState(this.state);
		} catch (error) {
			// The object and manifest are in S3: the in-flight note stays, and the next run adopts them.
			await book.settle({ clearInflight: false });
			throw error;
		}
		summary.committed = true;
		await book.settle({ clearInflight: true }).catch((error: unknown) => {
			reporter.log('warn', 'journal.failed', `Could not update the journal: ${messageOf(error)}`);
		});
		reporter.log('info', 'run.committed', `State saved to ${formatLocation(this.store.stateAt)}`, { runId: layout.runId });
	}

	private async recover(shipments: readonly Shipment[]): Promise<void> {
		const inflight = this.journal.inflight!;
		let result: RecoveryResult;
		try {
			result = await recoverInflight(inflight, this.state, this.deps.storage, shipments, this.reporter, this.now);
		} catch (error) {
			throw new StorageError(`Could not recover run ${inflight.runId} (${inflight.dataUrl}): ${messageOf(error)}`, { cause: error });
		}
		if (result.adopted) {
			await this.store.saveState(this.state);
			this.summary.recovered = { runId: result.runId, events: result.events, objects: result.objects };
		}
		delete this.journal.inflight;
		await this.store.saveJournal(this.journal);
	}

	private selectDue(shipments: readonly Shipment[]): Shipment[] {
		const now = this.now().getTime();
		const due: Shipment[] = [];
		for (const shipment of shipments) {
			const entry = this.state.shipments.get(shipment.key);
			if (entry?.lastMilestone && isTerminal(entry.lastMilestone as Milestone)) {
				this.summary.shipments.skippedTerminal++;
				continue;
			}
			const interval = providerOf(shipment.provider).minQueryIntervalMs;
			if (interval > 0) {
				const last = lastQueryBound(this.journal, shipment.key, entry?.lastQueriedAt);
				if (last !== undefined && now - last < interval) {
					this.summary.shipments.skippedLockout++;
					this.reporter.log('debug', 'shipments.lockout', `${shipment.key} was queried at ${new Date(last).toISOString()}; next query allowed at ${new Date(last + interval).toISOString()}`, {
						shipment: shipment.key,
					});
					continue;
				}
			}
			due.push(shipment);
		}
		return due;
	}

	/** One lookup function per service the due shipments need (provider registry). */
	private createClients(due: readonly Shipment[], book: LockoutBook): Clients {
		const { config, deps } = this;
		const base = deps.transport ?? fetchTransport;
		const retry: RetryOptions = {
			attempts: config.retries + 1,
			baseDelayMs: deps.retryDelays?.baseDelayMs ?? 500,
			maxDelayMs: deps.retryDelays?.maxDelayMs ?? 8000,
			...(deps.random ? { random: deps.random } : {}),
		};
		const sleep = deps.sleep ?? realSleep;
		const limited = (transport: HttpTransport) =>
			config.rps > 0
				? rateLimitedTransport(transport, new RateLimiter(config.rps, () => this.now().getTime(), sleep))
				: transport;
		const clients: Clients = new Map();
		for (const id of new Set(due.map((s) => s.provider))) {
			const entry = providerOf(id);
			const credentials = config[id] as unknown as ServiceCredentials;
			const missing = entry.credentialFields.filter((field) => !credentials[field]);
			if (missing.length > 0) {
				const settings = entry.credentialFields.map((field) => SETTINGS.find((spec) => spec.path === `${id}.${field}`));
				throw new ConfigError(
					`The list has ${entry.label} shipments but no ${entry.label} credentials: set ${settings.map((spec) => spec?.env).join(' and ')} ` +
						`(or ${settings.map((spec) => spec?.path).join(' and ')} in the config file)`,
				);
			}
			// Every request of a service with a minimum interval, retries included, waits for the lease (lockout.ts).
			const transport = entry.minQueryIntervalMs > 0 ? book.gate(base) : base;
			clients.set(id, entry.lookupClient(credentials, { timeoutMs: config.timeoutMs, retry, sleep }, limited(transport)));
		}
		return clients;
	}

	/** The service's reply to a lookup of the shipment (errors raised as TrackingApiError). */
	private async lookUp(shipment: Shipment, clients: Clients): Promise<unknown> {
		const entry = providerOf(shipment.provider);
		const settings = this.config[shipment.provider] as { resultv2?: string; lang?: string };
		return await clients.get(shipment.provider)!(entry.lookupParams(shipment, { resultv2: settings.resultv2, lang: settings.lang }));
	}

	/** Queries every due shipment; returns the error that stopped the run, if one did. */
	private async queryAll(
		due: readonly Shipment[],
		clients: Clients,
		encoder: ShipmentEncoder,
		writer: ObjectWriter,
		outcomes: Map<string, Outcome>,
		book: LockoutBook,
	): Promise<Error | undefined> {
		const { summary, reporter } = this;
		let stop: Error | undefined;
		let done = 0;
		const signal = this.deps.signal;
		const interrupted = () => {
			if (signal?.aborted && !stop) {
				stop = signal.reason instanceof ExporterError ? signal.reason : new InterruptedError('The run was interrupted');
			}
			return stop !== undefined;
		};
		reporter.progress({ done: 0, total: due.length, newEvents: 0, failed: 0 });
		await runPool(
			due,
			this.config.concurrency,
			async (shipment) => {
				try {
					await book.beforeQuery(shipment.key);
					const reply = await this.lookUp(shipment, clients);
					if (stop) return;
					const fetchedAt = this.now();
					book.answered(shipment.key, fetchedAt.toISOString());
					const encoded = await encoder.encode({
						provider: shipment.provider,
						reply,
						options: {
							source: 'query',
							fetchedAt,
							exportRunId: this.layout.runId,
							sourceTimeZone: this.config[shipment.provider].sourceTimeZone,
							carrier: shipment.carrier,
							trackingNumber: shipment.trackingNumber,
						},
						exported: this.state.shipments.get(shipment.key)?.exported ?? EMPTY,
					});
					if (stop) return;
					summary.events.duplicate += encoded.duplicates;
					summary.events.fetched += encoded.fetched;
					summary.events.new += encoded.count;
					summary.shipments.queried++;
					outcomes.set(shipment.key, {
						queriedAt: encoded.fetchedAt,
						milestone: encoded.shipmentStatus,
						...(encoded.lastEventTime ? { lastEventTime: encoded.lastEventTime } : {}),
						// A copy into Node's shared small-buffer pool: one ArrayBuffer per shipment would cost more than the bytes.
						prefixes: Buffer.from(encoded.prefixes),
					});
					if (encoded.count > 0) {
						const written = writer.writeCsv(encoded.csv, encoded.count);
						// The writer copied the bytes: their buffer can carry a later reply.
						encoder.recycle(encoded.csv);
						await written;
					}
				} catch (error) {
					if (error instanceof TrackingApiError && (error.fatal || providerOf(error.provider).accountLevelCodes.has(error.code))) {
						// Refused at the account level: the number was not looked up, so
						// it does not count for the 30-minute rule.
						book.release(shipment.key);
						stop ??= new FatalAccountError(
							`${error.message} The run stopped; nothing was exported or committed.`,
							error.provider,
							error.code,
							{ cause: error },
						);
						return;
					}
					if (stop) return;
					if (book.failure !== undefined) {
						stop ??= new StorageError(`Could not write the journal ${formatLocation(this.store.journalAt)}: ${messageOf(book.failure)}`, { cause: book.failure });
						return;
					}
					if (error instanceof TrackingApiError) {
						const answeredAt = this.now().toISOString();
						book.answered(shipment.key, answeredAt);
						outcomes.set(shipment.key, { queriedAt: answeredAt, prefixes: Buffer.alloc(0) });
						if (providerOf(error.provider).noResultYetCodes.has(error.code)) {
							summary.shipments.queried++;
							summary.shipments.noResultYet++;
							reporter.log('info', 'shipment.no_result', `${shipment.key}: no tracking result yet`, { shipment: shipment.key, line: shipment.line });
							return;
						}
						summary.shipments.failed++;
						if (summary.shipments.failed <= MAX_LOGGED_FAILURES) {
							reporter.log('warn', 'shipment.failed', `${shipment.key} (line ${shipment.line}): ${error.message}`, {
								shipment: shipment.key,
								line: shipment.line,
								code: error.code,
								retryable: error.retryable,
							});
						}
						return;
					}
					// Anything else (the upload failed, a bug): the run cannot go on.
					stop = error instanceof Error ? error : new Error(String(error));
				} finally {
					done++;
					reporter.progress({ done, total: due.length, newEvents: summary.events.new, failed: summary.shipments.failed });
				}
			},
			interrupted,
		);
		interrupted();
		if (summary.shipments.failed > MAX_LOGGED_FAILURES) {
			reporter.log('warn', 'shipment.failed_more', `${summary.shipments.failed - MAX_LOGGED_FAILURES} more shipment failure(s) not shown`);
		}
		return stop;
	}

	private async writeManifest(object: ObjectInfo): Promise<void> {
		await this.deps.storage.writeText(
			this.deps.storage.parse(this.layout.manifestUrl),
			manifestJson([{ url: object.url, bytes: object.bytes, rows: object.rows }]),
		);
	}
}
