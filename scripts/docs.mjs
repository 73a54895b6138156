// Writes the README's inputs and outputs tables from action.yml, so the two cannot drift.
//
//   node scripts/docs.mjs            rewrite the tables between the README's markers
//   node scripts/docs.mjs --check    exit 1, naming what differs, when the README is stale (CI)
//
// --action PATH and --readme PATH point it at other files (the tests use copies).
import { readFileSync, writeFileSync } from 'node:fs';
import console from 'node:console';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

/** A table cell: one line, no table-breaking pipes. */
function cell(text) {
  return String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

/** A code span that survives backticks inside the value. */
function code(text) {
  const value = String(text);
  if (value === '') return '';
  const longestRun = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return cell(`${fence}${pad}${value}${pad}${fence}`);
}

function entries(section, what) {
  if (section === undefined || section === null) return [];
  if (typeof section !== 'object' || Array.isArray(section))
    throw new Error(`action.yml: ${what} is not a mapping`);
  return Object.entries(section).map(([name, spec]) => {
    if (typeof spec?.description !== 'string' || spec.description.trim() === '') {
      throw new Error(`action.yml: ${what}.${name} has no description`);
    }
    return [name, spec];
  });
}

function inputsTable(action) {
  const rows = entries(action.inputs, 'inputs').map(([name, spec]) => {
    const meaning = spec.required === true ? `**Required.** ${spec.description}` : spec.description;
    const fallback = spec.default === undefined || spec.default === '' ? '' : ` ${code(spec.default)}`;
    return `| \`${name}\` | ${cell(meaning)} |${fallback} |`;
  });
  return ['| input | meaning | default |', '|---|---|---|', ...rows].join('\n');
}

function outputsTable(action) {
  const rows = entries(action.outputs, 'outputs').map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`,
  );
  return ['| output | meaning |', '|---|---|', ...rows].join('\n');
}

function replaceBetween(readme, name, body) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README: the markers ${start} ... ${end} are missing`);
  return `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`;
}

/** The README with its generated tables made from action.yml's text. */
function render(readme, actionYaml) {
  const action = parse(actionYaml);
  return replaceBetween(
    replaceBetween(readme, 'inputs', inputsTable(action)),
    'outputs',
    outputsTable(action),
  );
}

/** Lines of `want` that `have` lacks and the reverse, for a message a person can act on. */
function difference(have, want) {
  const haveLines = new Set(have.split('\n'));
  const wantLines = new Set(want.split('\n'));
  return [
    ...want
      .split('\n')
      .filter((line) => !haveLines.has(line))
      .map((line) => `+ ${line}`),
    ...have
      .split('\n')
      .filter((line) => !wantLines.has(line))
      .map((line) => `- ${line}`),
  ];
}

function main() {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      action: { type: 'string', default: 'action.yml' },
      readme: { type: 'string', default: 'README.md' },
    },
  });
  const readme = readFileSync(values.readme, 'utf8');
  const fresh = render(readme, readFileSync(values.action, 'utf8'));
  if (fresh === readme) {
    console.log(`docs: ${values.readme} agrees with ${values.action}`);
    return 0;
  }
  if (values.check) {
    console.error(
      `docs: the inputs/outputs tables of ${values.readme} disagree with ${values.action}; run node scripts/docs.mjs`,
    );
    for (const line of difference(readme, fresh)) console.error(line);
    return 1;
  }
  writeFileSync(values.readme, fresh);
  console.log(`docs: rewrote the tables of ${values.readme} from ${values.action}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`docs: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
