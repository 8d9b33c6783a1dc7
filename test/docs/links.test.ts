/**
 * Every relative link in README.md and docs/*.md points at a file that exists, and every
 * `#anchor` at a heading of that file (anchors spelled the way GitHub renders them).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../helpers/cli.js';

/** Markdown outside fenced code blocks and inline code spans. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const code = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm;
  for (const match of markdown.replace(code, '').matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = (match[1] ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1] ?? '');
  return anchors;
}

const documents = ['README.md', ...readdirSync(join(repositoryRoot, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];

interface Link {
  document: string;
  line: number;
  target: string;
}

function relativeLinks(document: string): Link[] {
  const text = prose(readFileSync(join(repositoryRoot, document), 'utf8'));
  const links: Link[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      links.push({ document, line: index + 1, target });
    }
  });
  return links;
}

/** Why a link is broken, or undefined when it resolves. */
function brokenBecause(link: Link): string | undefined {
  const [pathPart = '', anchor] = link.target.split('#', 2);
  const file = pathPart === '' ? join(repositoryRoot, link.document) : join(repositoryRoot, dirname(link.document), decodeURIComponent(pathPart));
  if (!file.startsWith(repositoryRoot)) return 'points outside the repository';
  if (!existsSync(file)) return `no file ${relative(repositoryRoot, file)}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!statSync(file).isFile() || !file.endsWith('.md')) return `#${anchor} on a file that is not Markdown`;
  const anchors = headingAnchors(readFileSync(file, 'utf8'));
  return anchors.has(decodeURIComponent(anchor).toLowerCase()) ? undefined : `no heading #${anchor} in ${relative(repositoryRoot, file)}`;
}

describe('relative links in README.md and docs/', () => {
  it('anchors are computed the way GitHub renders headings', () => {
    const anchors = headingAnchors('# The Responses API\n## `serve` --port, -p\n## Notes\n## Notes\n```\n# not a heading\n```\n');
    expect([...anchors]).toEqual(['the-responses-api', 'serve---port--p', 'notes', 'notes-1']);
  });

  it('there are links to check', () => {
    expect(documents.length).toBeGreaterThan(5);
    expect(documents.flatMap(relativeLinks).length).toBeGreaterThan(20);
  });

  it.each(documents)('%s', (document) => {
    const broken = relativeLinks(document)
      .map((link) => ({ link, reason: brokenBecause(link) }))
      .filter((entry) => entry.reason !== undefined)
      .map(({ link, reason }) => `${link.document}:${link.line} (${link.target}): ${reason}`);
    expect(broken).toEqual([]);
  });
});
