// JUnit XML, for test runners that write it (pytest --junitxml, unittest-xml-reporting, nose2).
// pytest writes it only when the session ends, so a crashed run has none: the plugin's records
// come first; this serves the runners without them.
import { XMLParser } from 'fast-xml-parser';
import type { TestCase, TestOutcome } from './report.js';

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  textNodeName: '#text',
  // pytest escapes newlines in attributes as `&#10;`; only this option decodes character references.
  htmlEntities: true,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

export class JunitError extends Error {}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// An element with only text (`<failure>assert 1 == 2</failure>`) or nothing comes back as a string.
function nodes(value: unknown): XmlNode[] {
  const all: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.flatMap((v) => (isNode(v) ? [v] : typeof v === 'string' ? [{ '#text': v }] : []));
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

function text(node: XmlNode): string {
  const value = node['#text'];
  return typeof value === 'string' ? value : '';
}

function shortMessage(node: XmlNode | undefined): string | undefined {
  if (!node) return undefined;
  const message = attribute(node, 'message') ?? text(node).trim().split('\n')[0] ?? '';
  return message === '' ? undefined : message.slice(0, 500);
}

function outcomeOf(testcase: XmlNode): { outcome: TestOutcome; detail?: XmlNode } {
  const [failure] = nodes(testcase['failure']);
  if (failure) return { outcome: 'failed', detail: failure };
  const [error] = nodes(testcase['error']);
  if (error) return { outcome: 'error', detail: error };
  const [skipped] = nodes(testcase['skipped']);
  if (skipped)
    return {
      outcome: attribute(skipped, 'type') === 'pytest.xfail' ? 'xfailed' : 'skipped',
      detail: skipped,
    };
  return { outcome: 'passed' };
}

/** pytest's id when the file is known (`tests/test_x.py::TestK::test_a`), else `classname::name`. */
function testId(testcase: XmlNode): string {
  const name = attribute(testcase, 'name') ?? '';
  const classname = attribute(testcase, 'classname') ?? '';
  const file = attribute(testcase, 'file');
  if (file) {
    const module = file.replace(/\.py$/, '').replace(/[\\/]/g, '.');
    const inner = classname.startsWith(`${module}.`) ? classname.slice(module.length + 1).split('.') : [];
    return [file, ...inner, name].join('::');
  }
  return classname === '' ? name : `${classname}::${name}`;
}

function collect(suite: XmlNode, into: TestCase[]): void {
  for (const testcase of nodes(suite['testcase'])) {
    const { outcome, detail } = outcomeOf(testcase);
    const seconds = Number(attribute(testcase, 'time'));
    const file = attribute(testcase, 'file');
    const message = shortMessage(detail);
    into.push({
      id: testId(testcase),
      outcome,
      ...(file ? { file } : {}),
      ...(Number.isFinite(seconds) ? { durationMs: Math.round(seconds * 1e6) / 1e3 } : {}),
      ...(message ? { message } : {}),
    });
  }
  for (const inner of nodes(suite['testsuite'])) collect(inner, into);
}

/** Every test case of a JUnit XML document (`<testsuites>` or a lone `<testsuite>`). */
export function parseJunit(xml: string): TestCase[] {
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch (error) {
    throw new JunitError(`not a JUnit XML file: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (!isNode(document)) throw new JunitError('not a JUnit XML file: empty document');
  const roots = [
    ...nodes(document['testsuites']),
    ...nodes(document['testsuite']).map((s) => ({ testsuite: s })),
  ];
  if (roots.length === 0)
    throw new JunitError('not a JUnit XML file: no <testsuites> or <testsuite> element');
  const cases: TestCase[] = [];
  for (const root of roots) collect(root, cases);
  return cases;
}

/**
 * Where the command asks pytest for a JUnit file (`--junitxml=PATH`, `--junit-xml PATH`), or
 * where pytest said it wrote one (`generated xml file: PATH`).
 */
export function junitPathsIn(options: { command: string; output: string }): string[] {
  const paths = [
    ...[...options.command.matchAll(/--junit-?xml(?:=|\s+)(?:"([^"]+)"|'([^']+)'|([^\s;&|<>()]+))/g)].map(
      (m) => m[1] ?? m[2] ?? m[3] ?? '',
    ),
    ...[...options.output.matchAll(/generated xml file: (.+?) -*\s*$/gm)].map((m) => m[1] ?? ''),
  ];
  return [...new Set(paths.filter((p) => p !== '' && !p.includes('{')))];
}
