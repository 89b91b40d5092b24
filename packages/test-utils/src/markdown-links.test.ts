// Every relative link in the workspace's Markdown (READMEs, docs/, package guides) points at a file
// or folder of the repository: a reader of a clone, or of the packages on npm, must not meet a
// link into the machine the docs were written on (docs once linked ../shared/…, outside the repo).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The Markdown files git tracks (so nothing in node_modules, dist or a scratch folder); every one outside those without git. */
function markdownFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((file) => file !== '' && existsSync(join(ROOT, file)));
  } catch {
    // Not a git checkout (a copied tree).
    return (readdirSync(ROOT, { recursive: true }) as string[])
      .filter((file) => file.endsWith('.md') && !file.split(sep).some((part) => IGNORED.has(part)))
      .map((file) => file.split(sep).join('/'));
  }
}

const IGNORED = new Set(['node_modules', 'dist', '.git', '.turbo', '.examples']);
const markdown = markdownFiles();

/** `[text](target)` and `[text]: target`, outside fenced code blocks. */
function linksOf(text: string): string[] {
  const prose = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!);
  const references = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1]!);
  return [...inline, ...references];
}

function isRelative(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#') && !target.startsWith('//');
}

describe('Markdown links', () => {
  it('finds the workspace Markdown and its links', () => {
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/README.md']));
    expect(linksOf(readFileSync(join(ROOT, 'docs/README.md'), 'utf8'))).toContain('guides/conformance.md');
  });

  it('resolves every relative link to a file or folder of the repository', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      for (const link of linksOf(readFileSync(join(ROOT, file), 'utf8'))) {
        if (!isRelative(link)) continue;
        const path = decodeURIComponent(link.split('#')[0]!.split('?')[0]!);
        if (path === '') continue;
        const target = resolve(ROOT, dirname(file), path);
        if (relative(ROOT, target).startsWith('..') || !existsSync(target)) broken.push(`${file}: ${link}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
