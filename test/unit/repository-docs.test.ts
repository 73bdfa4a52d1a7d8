// The repository explains itself: README's layout names every top-level folder (and client/'s
// parts), and every document a file cites by path is in the repository.
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
