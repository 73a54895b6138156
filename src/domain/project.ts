// What the project is, from its files: how to install it and which packages are its own.

export interface ProjectFiles {
  /** Names of the files and folders at the project's top level. */
  readonly topLevel: readonly string[];
  /** Names of folders under src/ (empty when there is no src/). */
  readonly srcFolders: readonly string[];
  /** Folders (top level and under src/) that hold an __init__.py, as 'name' or 'src/name'. */
  readonly packages: readonly string[];
  readonly pyproject: string | null;
}

const REQUIREMENTS = [
  'requirements-dev.txt',
  'requirements-test.txt',
  'requirements_test.txt',
  'requirements.txt',
];
const TEST_EXTRAS = ['test', 'tests', 'testing', 'dev'];

/** The optional-dependency groups declared in pyproject's [project.optional-dependencies]. */
export function optionalDependencyGroups(pyproject: string): string[] {
  const section = /^\[project\.optional-dependencies\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(pyproject);
  if (!section?.[1]) return [];
  return [...section[1].matchAll(/^\s*([A-Za-z0-9_.-]+)\s*=/gm)].map((m) => m[1] as string);
}

/**
 * The install command used when the user gave none, the way a person would set up the project:
 * its requirements file, then the project itself (editable, with its test extra).
 */
export function defaultInstallCommand(files: ProjectFiles): string {
  const steps: string[] = [];
  const req = REQUIREMENTS.find((r) => files.topLevel.includes(r));
  if (req) steps.push(`python -m pip install -r ${req}`);
  const hasProject = files.pyproject !== null && /^\[(project|build-system)\]/m.test(files.pyproject);
  if (hasProject || files.topLevel.includes('setup.py')) {
    const extra = files.pyproject
      ? TEST_EXTRAS.find((e) => optionalDependencyGroups(files.pyproject as string).includes(e))
      : undefined;
    steps.push(`python -m pip install -e ".${extra ? `[${extra}]` : ''}"`);
  }
  return steps.join(' && ');
}

/** The project's own top-level packages: what `startup-imports` measures by default. */
export function projectPackages(files: ProjectFiles): string[] {
  const found = files.packages
    .map((p) => p.replace(/^src\//, ''))
    .filter(
      (p) =>
        !/^(tests?|testing|docs?|examples?|benchmarks?|scripts?|build|dist)$/.test(p) && !p.startsWith('.'),
    );
  return [...new Set(found)].sort();
}

/** pytest's `pythonpath` ini option, so startup imports see the project as its tests do. */
export function pytestPythonpath(pyproject: string | null): string[] {
  if (!pyproject) return [];
  const section = /^\[tool\.pytest\.ini_options\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(pyproject);
  const line = section?.[1] ? /^\s*pythonpath\s*=\s*(.+)$/m.exec(section[1]) : null;
  if (!line?.[1]) return [];
  const value = line[1].trim();
  const items = value.startsWith('[')
    ? [...value.matchAll(/["']([^"']+)["']/g)].map((m) => m[1] as string)
    : [value.replace(/["']/g, '')];
  return items.flatMap((i) => i.split(/\s+/)).filter(Boolean);
}
