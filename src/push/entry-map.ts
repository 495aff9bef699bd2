import { ENTRY_LENGTH } from './record';

/** Incremental edits a text takes before it is rebuilt whole: each one copies it once. */
const MAX_EDITS = 32;

/**
 * The memory's committed entries: a Map that counts its changes (so an unchanged memory
 * is not written again) and keeps the entries' text (key + record, in the map's order)
 * up to date by small edits. Writing a memory of 100,000 shipments after one push then
 * costs a few string slices instead of joining 200,000 strings.
 */
export class EntryMap extends Map<string, string> {
	changes = 0;
	#text: string | undefined = '';
	#edits = 0;

	override set(key: string, value: string): this {
		this.changes++;
		if (this.#text !== undefined) this.#edit(key, super.has(key) ? key + value : undefined, !super.has(key) ? key + value : '');
		return super.set(key, value);
	}

	override delete(key: string): boolean {
		this.changes++;
		if (this.#text !== undefined && super.has(key)) this.#edit(key, '', '');
		return super.delete(key);
	}

	override clear(): void {
		this.changes++;
		this.#text = '';
		super.clear();
	}

	/** All entries as one text, in order. */
	get text(): string {
		if (this.#text === undefined) {
			let text = '';
			for (const [key, value] of this) text += key + value;
			this.#text = text;
			this.#edits = 0;
		}
		return this.#text;
	}

	/** Replaces the entry of `key` (undefined: none there yet) and appends `appended`. */
	#edit(key: string, replacement: string | undefined, appended: string): void {
		if (++this.#edits > MAX_EDITS) {
			this.#text = undefined;
			return;
		}
		let text = this.#text as string;
		if (replacement !== undefined) {
			const at = entryOffset(text, key);
			if (at === -1) {
				this.#text = undefined;
				return;
			}
			text = text.slice(0, at) + replacement + text.slice(at + ENTRY_LENGTH);
		}
		this.#text = text + appended;
	}
}

/** Where the entry of `key` starts: keys sit at multiples of ENTRY_LENGTH. */
function entryOffset(text: string, key: string): number {
	let at = text.indexOf(key);
	while (at !== -1 && at % ENTRY_LENGTH !== 0) at = text.indexOf(key, at + 1);
	return at;
}

/** `text` without the entry of `key`. */
export function withoutEntry(text: string, key: string): string {
	const at = entryOffset(text, key);
	return at === -1 ? text : text.slice(0, at) + text.slice(at + ENTRY_LENGTH);
}
