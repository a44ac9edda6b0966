// The README and the manual (docs/): every relative link leads to a file of this repository, and
// every #anchor to a heading of the page it names (GitHub's heading ids); the README stays a front
// door of at most 300 lines.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pages = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];

/** The page's text outside fenced code blocks, and outside inline code spans. */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').flatMap((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [line.replace(/`[^`]*`/g, '')];
  });
}

/** GitHub's heading ids: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
export function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  const count = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.+)$/.exec(line);
    if (!heading) continue;
    const base = heading[1].trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, '').replace(/ /g, '-');
    const n = count.get(base) ?? 0;
    count.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

function links(page: string): string[] {
  const text = prose(readFileSync(path.join(root, page), 'utf8')).join('\n');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^(?:https?:|mailto:)/.test(t));
}

describe('README and docs/', () => {
  it('the ids of headings follow GitHub', () => {
    expect(headingIds('# A study in five minutes: from profile to gate\n## Roofline\n## Roofline\n```\n# not a heading\n```')).toEqual(
      new Set(['a-study-in-five-minutes-from-profile-to-gate', 'roofline', 'roofline-1']),
    );
  });

  it('the README is a front door of at most 300 lines, and links to the manual', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(300);
    const linked = new Set(links('README.md').map((t) => t.split('#')[0]));
    for (const page of pages.filter((p) => p.startsWith('docs'))) expect(linked, `README does not link ${page}`).toContain(page.split(path.sep).join('/'));
  });

  for (const page of pages) {
    it(`${page}: every relative link and anchor resolves`, () => {
      const broken: string[] = [];
      for (const target of links(page)) {
        const [file, anchor] = target.split('#');
        const resolved = file ? path.resolve(path.dirname(path.join(root, page)), decodeURIComponent(file)) : path.join(root, page);
        if (!resolved.startsWith(root) || !existsSync(resolved)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (anchor !== undefined && statSync(resolved).isFile() && resolved.endsWith('.md') && !headingIds(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${target}: no such heading`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});
