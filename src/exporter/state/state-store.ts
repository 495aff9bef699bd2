import { StorageError } from '../exit-codes';
import { formatLocation, type Location, type Storage } from '../storage/storage';
import { ExportState } from './export-state';
import { emptyJournal, journalLocation, type Journal } from './journal';

/** Loads and saves the state and its journal. */
export class StateStore {
	readonly journalAt: Location;

	constructor(
		private readonly storage: Storage,
		readonly stateAt: Location,
	) {
		this.journalAt = journalLocation(stateAt);
	}

	async loadState(): Promise<ExportState> {
		const text = await this.storage.readText(this.stateAt);
		if (text === null || text.trim() === '') return new ExportState();
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch (error) {
			throw new StorageError(`The state ${formatLocation(this.stateAt)} is not valid JSON; restore it from a backup or move it away`, {
				cause: error,
			});
		}
		return ExportState.fromJSON(parsed, formatLocation(this.stateAt));
	}

	async saveState(state: ExportState): Promise<void> {
		await this.storage.writeText(this.stateAt, JSON.stringify(state));
	}

	async loadJournal(): Promise<Journal> {
		const text = await this.storage.readText(this.journalAt);
		if (text === null || text.trim() === '') return emptyJournal();
		try {
			const parsed = JSON.parse(text) as Partial<Journal>;
			return {
				version: 1,
				queries: typeof parsed.queries === 'object' && parsed.queries !== null ? parsed.queries : {},
				...(parsed.inflight ? { inflight: parsed.inflight } : {}),
			};
		} catch (error) {
			throw new StorageError(`The journal ${formatLocation(this.journalAt)} is not valid JSON; move it away to continue`, {
				cause: error,
			});
		}
	}

	async saveJournal(journal: Journal): Promise<void> {
		await this.storage.writeText(this.journalAt, JSON.stringify(journal));
	}
}
