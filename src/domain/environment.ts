// What the tested code must never see (DESIGN.md, "Running"): tokens, cache credentials, and
// the file commands through which it could forge our outputs or verdict.
const EXACT = new Set([
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'GITHUB_ENV',
  'GITHUB_OUTPUT',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
  // Where the action writes report.json and its work: the tested code is not told.
  'CPV_OUTPUT_DIR',
]);
const PREFIXES = ['INPUT_', 'ACTIONS_ID_TOKEN_REQUEST_', 'ACTIONS_CACHE_', 'ACTIONS_RESULTS_'];

export function isCredential(name: string): boolean {
  const upper = name.toUpperCase();
  return EXACT.has(upper) || PREFIXES.some((p) => upper.startsWith(p));
}

// The runner's folder of file commands (GITHUB_OUTPUT and friends live in it): a variable that
// points into it, under any name a newer runner may give it, is not passed on either.
const FILE_COMMANDS = '_runner_file_commands';

/** A copy of `env` without credentials and file commands, and without undefined values. */
export function scrubEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isCredential(name) && !value.includes(FILE_COMMANDS)) clean[name] = value;
  }
  return clean;
}
