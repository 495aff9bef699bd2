import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const DOCUMENTS = ['README.md', 'CHANGELOG.md', 'docs/tracking-event.md', 'docs/providers.md', 'docs/trigger-guarantees.md', 'docs/polling.md'];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
	const result = new Set<string>();
	for (const match of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
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

describe('documentation links', () => {
	for (const document of DOCUMENTS) {
		it(`every relative link and anchor in ${document} resolves inside the repository`, () => {
			const text = readFileSync(path.join(ROOT, document), 'utf8');
			const broken: string[] = [];
			for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
				if (/^[a-z]+:/i.test(target)) continue; // http(s), mailto: outside the repository by design
				const [file, anchor] = target.split('#');
				const resolved = file === '' ? path.join(ROOT, document) : path.resolve(path.dirname(path.join(ROOT, document)), file);
				if (!resolved.startsWith(ROOT + path.sep) || !existsSync(resolved)) {
					broken.push(target);
					continue;
				}
				if (anchor && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(target);
			}
			expect(broken).toEqual([]);
		});
	}

	it('nothing in the repository points to the workplace folders outside it', () => {
		for (const document of DOCUMENTS) expect(readFileSync(path.join(ROOT, document), 'utf8')).not.toMatch(/shared\/(spec|seeds)/);
	});
});
