/** What the documentation tests read from the repository's Markdown: the documents, their fenced blocks, headings and links. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
/** The repository as the documents name it in absolute links (npm pages cannot resolve relative ones). */
export const REPO_URL = 'https://github.com/n8n-nodes-kuaidi100/n8n-nodes-kuaidi100';
export const EXPORTER_README = 'src/exporter/README.md';

/** Every document a reader is sent to: both READMEs, the CHANGELOG and docs/. */
export const DOCUMENTS = [
	'README.md',
	EXPORTER_README,
	'CHANGELOG.md',
	...readdirSync(path.join(ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`),
];

export function read(document: string): string {
	return readFileSync(path.join(ROOT, document), 'utf8');
}

export interface Block {
	lang: string;
	text: string;
	/** The nearest heading above the block. */
	heading: string;
}

/** Fenced code blocks (```lang … ```), with the heading they stand under. */
export function blocks(markdown: string): Block[] {
	const result: Block[] = [];
	let heading = '';
	let open: { lang: string; lines: string[] } | undefined;
	for (const line of markdown.split('\n')) {
		const fence = /^\s*```(\S*)\s*$/.exec(line);
		if (open) {
			if (fence && fence[1] === '') {
				result.push({ lang: open.lang, text: open.lines.join('\n'), heading });
				open = undefined;
			} else open.lines.push(line);
		} else if (fence) open = { lang: fence[1].toLowerCase(), lines: [] };
		else if (/^#{1,6}\s/.test(line)) heading = line.replace(/^#+\s+/, '').trim();
	}
	if (open) throw new Error(`a code block (${open.lang || 'no language'}) is never closed`);
	return result;
}

/** The text outside fenced code blocks (a `# comment` in a shell block is no heading). */
export function prose(markdown: string): string {
	return markdown.replace(/^\s*```[^\n]*\n[\s\S]*?^\s*```\s*$/gm, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
export function anchors(markdown: string): Set<string> {
	const result = new Set<string>();
	for (const match of prose(markdown).matchAll(/^#{1,6}\s+(.+)$/gm)) {
		result.add(
			match[1]
				.trim()
				.toLowerCase()
				.replace(/[^\p{L}\p{N}\s_-]/gu, '')
				.replace(/\s/g, '-'),
		);
	}
	return result;
}

/** Link targets of `[text](target)` outside code blocks. */
export function links(markdown: string): string[] {
	return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]);
}

/** Every file under a folder, its subfolders included. */
export function filesUnder(folder: string): string[] {
	return readdirSync(folder).flatMap((name) => {
		const full = path.join(folder, name);
		return statSync(full).isDirectory() ? filesUnder(full) : [full];
	});
}
