// The glyphs fixture as a pull request: base publishes its lookup table complete; head either
// publishes the empty dict first and fills it after (a race under threads) or changes a comment
// (the A/A twin). For the thread stress e2e test and scripts/bench-thread-stress.ts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/domain/report.js';
import { copyProject, interpretersInput, pytoolsInstallCommand, ROOT, runAction } from './action.js';
import { gitWith } from './git.js';
import { pytoolsPath, realInterpreters } from './interpreters.js';

const git = gitWith(process.env);
const LIBRARY = join('src', 'glyphs', '__init__.py');

/** Head's lookup: the empty dict is published first and filled after, so a thread can read it half-built. */
export const RACY_LOOKUP = `def lookup(name):
    """The character named \`name\` (e.g. "U+00E9")."""
    global _TABLE
    if _TABLE is None:
        _TABLE = {}
        for code in range(0x20, 0x10000):
            _TABLE["U+%04X" % code] = chr(code)
    return _TABLE[name]
`;

/** The glyphs fixture committed as base, and a head that changes `lookup` as `change` says. */
export function glyphsRepository(change: 'racy' | 'comment'): { dir: string; base: string; head: string } {
  const dir = copyProject(join(ROOT, '__tests__', 'fixtures', 'glyphs'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  const file = join(dir, LIBRARY);
  const text = readFileSync(file, 'utf8');
  const safe = /def lookup\(name\):[\s\S]*?return table\[name\]\n/;
  const changed =
    change === 'racy'
      ? text.replace(safe, RACY_LOOKUP)
      : text.replace('"""Code point names,', '"""Code point names (U+0020 to U+FFFF),');
  if (changed === text)
    throw new Error(`glyphsRepository: the fixture's ${LIBRARY} no longer has what head changes`);
  writeFileSync(file, changed);
  git(dir, 'commit', '-qam', 'head');
  return { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
}

/** The action on a pull request from `base` to `head`, as a runner would start it. */
export function runPullRequest(
  repo: { dir: string; base: string; head: string },
  inputs: Record<string, string> = {},
): Promise<{ exitCode: number | null; stdout: string; report: Report | null }> {
  const events = mkdtempSync(join(tmpdir(), 'cpv-event-'));
  const event = join(events, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({ pull_request: { number: 1, base: { sha: repo.base }, head: { sha: repo.head } } }),
  );
  return runAction({
    cwd: repo.dir,
    inputs: {
      variants: '3.13 3.13t',
      interpreters: interpretersInput(realInterpreters() ?? {}, ['3.13', '3.13t']),
      'install-command': pytoolsInstallCommand(pytoolsPath() ?? ''),
      'test-command': 'python -m pytest -q',
      'measure-minutes': '0.1',
      comment: 'off',
      ...inputs,
    },
    env: {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_SHA: repo.head,
    },
  });
}
