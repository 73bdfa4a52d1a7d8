// The repository explains itself: README's layout names every top-level folder (and client/'s
// parts), and every document a file cites by path is in the repository. The documentation holds
// together: README stays short, every link lands on a file and heading of the repository, every
// page can be reached from README, and the pages agree on how many workflow types there are.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The folders of README's layout block: `name/` at the start of a line, indented for sub-folders. */
function layoutFolders(): string[] {
  const section = readme.slice(readme.indexOf('## Layout'));
  const block = section.slice(section.indexOf('```') + 3, section.indexOf('```', section.indexOf('```') + 3));
  const folders: string[] = [];
  let parent = '';
  for (const line of block.split('\n')) {
    const match = /^(\s*)([a-z-]+)\/\s/.exec(line);
    if (!match) continue;
    if (match[1] === '') parent = match[2];
    folders.push(match[1] === '' ? match[2] : `${parent}/${match[2]}`);
  }
  return folders.sort();
}

function trackedFolders(): string[] {
  const folders = new Set<string>();
  for (const file of tracked) {
    const parts = file.split('/');
    if (parts.length < 2 || parts[0].startsWith('.')) continue;
    folders.add(parts[0]);
    if (parts[0] === 'client' && parts.length > 2) folders.add(`client/${parts[1]}`);
  }
  return [...folders].sort();
}

describe('the repository documents itself', () => {
  it("README's layout names exactly the top-level folders and client/'s parts", () => {
    expect(layoutFolders()).toEqual(trackedFolders());
  });

  it('every docs/… path cited in code, scripts, migrations or docs exists', () => {
    const cited = new Set<string>();
    for (const file of tracked.filter((f) => /\.(ts|js|mjs|sh|sql|md)$/.test(f))) {
      for (const [ref] of readFileSync(path.join(ROOT, file), 'utf8').matchAll(/\bdocs\/[a-z0-9-]+\.md\b/g)) {
        cited.add(ref);
      }
    }
    expect(cited.size).toBeGreaterThan(5);
    expect([...cited].filter((ref) => !existsSync(path.join(ROOT, ref)))).toEqual([]);
  });

  it('nothing points to a design document outside the repository', () => {
    const outside = tracked
      .filter((f) => /\.(ts|js|mjs|sh|sql|md|json|yml)$/.test(f))
      .filter((f) => /DESIGN\.md|\.\.\/shared\//.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(outside).toEqual([]);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The lines of a markdown file outside its fenced code blocks. */
function proseLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const match = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!match) continue;
    const base = slug(match[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The relative links of a markdown file: `[text](target)`, outside code blocks and code spans. */
function linksOf(markdown: string): string[] {
  const links: string[] = [];
  for (const line of proseLines(markdown)) {
    for (const [, target] of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z]+:/i.test(target)) links.push(target);
    }
  }
  return links;
}

const markdownFiles = tracked.filter((f) => f.endsWith('.md'));

describe('the documentation holds together', () => {
  it('README fits on a few screens', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(200);
  });

  it('every relative link in a markdown file reaches a file, and its #anchor a heading there', () => {
    const broken: string[] = [];
    for (const file of markdownFiles) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const link of linksOf(text)) {
        const [target, anchor] = link.split('#');
        const resolved = target === '' ? file : path.normalize(path.join(path.dirname(file), target));
        if (!existsSync(path.join(ROOT, resolved))) {
          broken.push(`${file}: ${link} (no such file)`);
          continue;
        }
        if (anchor === undefined || !resolved.endsWith('.md')) continue;
        if (!anchorsOf(readFileSync(path.join(ROOT, resolved), 'utf8')).has(anchor)) {
          broken.push(`${file}: ${link} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every document is reachable from README by links, and listed in the docs index', () => {
    const reached = new Set<string>(['README.md']);
    const queue = ['README.md'];
    while (queue.length > 0) {
      const file = queue.shift()!;
      for (const link of linksOf(readFileSync(path.join(ROOT, file), 'utf8'))) {
        const target = path.normalize(
          path.join(path.dirname(file), link.split('#')[0] || path.basename(file)),
        );
        if (target.endsWith('.md') && !reached.has(target) && existsSync(path.join(ROOT, target))) {
          reached.add(target);
          queue.push(target);
        }
      }
    }
    const docs = markdownFiles.filter((f) => f.startsWith('docs/') || f.endsWith('/README.md'));
    expect(docs.filter((f) => !reached.has(f))).toEqual([]);

    const index = linksOf(readFileSync(path.join(ROOT, 'docs/README.md'), 'utf8'));
    const listed = docs.filter((f) => f.startsWith('docs/') && f !== 'docs/README.md');
    expect(listed.filter((f) => !index.includes(path.basename(f)))).toEqual([]);
  });

  it('no document sends its reader outside the repository', () => {
    const outside = markdownFiles.flatMap((file) =>
      proseLines(readFileSync(path.join(ROOT, file), 'utf8'))
        .flatMap((line) => [...line.matchAll(/\]\((https?:\/\/[^)\s]+)\)/g)].map((m) => m[1]))
        .filter((url) => !/^https?:\/\/(localhost|127\.0\.0\.1)[:/]/.test(url))
        .map((url) => `${file}: ${url}`),
    );
    expect(outside).toEqual([]);
  });

  it('no document counts the workflows as two', () => {
    const wrong = markdownFiles.filter((f) =>
      /\b(two|both) workflows\b/i.test(readFileSync(path.join(ROOT, f), 'utf8')),
    );
    expect(wrong).toEqual([]);
  });
});
