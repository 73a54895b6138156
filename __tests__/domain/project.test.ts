import { describe, expect, it } from 'vitest';
import {
  defaultInstallCommand,
  optionalDependencyGroups,
  projectPackages,
  pytestPythonpath,
  type ProjectFiles,
} from '../../src/domain/project.js';

const files = (over: Partial<ProjectFiles>): ProjectFiles => ({
  topLevel: [],
  srcFolders: [],
  packages: [],
  pyproject: null,
  ...over,
});
const PYPROJECT = `[project]
name = "demo"

[project.optional-dependencies]
docs = ["sphinx"]
test = ["pytest"]

[tool.pytest.ini_options]
pythonpath = ["src", "lib"]
testpaths = ["tests"]
`;

describe('project facts', () => {
  it.each([
    ['nothing to install', files({ topLevel: ['tests'] }), ''],
    [
      'requirements only',
      files({ topLevel: ['requirements.txt'] }),
      'python -m pip install -r requirements.txt',
    ],
    [
      'dev requirements win and the project with its test extra',
      files({
        topLevel: ['requirements.txt', 'requirements-dev.txt', 'pyproject.toml'],
        pyproject: PYPROJECT,
      }),
      'python -m pip install -r requirements-dev.txt && python -m pip install -e ".[test]"',
    ],
    ['setup.py', files({ topLevel: ['setup.py'] }), 'python -m pip install -e "."'],
    ['a pyproject with only tool config is not a project', files({ pyproject: '[tool.ruff]\n' }), ''],
  ])('install command: %s', (_l, f, expected) => {
    expect(defaultInstallCommand(f)).toBe(expected);
  });

  it('finds the optional dependency groups', () => {
    expect(optionalDependencyGroups(PYPROJECT)).toEqual(['docs', 'test']);
  });

  it("the project's own packages, src layout or not, without tests and docs", () => {
    expect(projectPackages(files({ packages: ['src/demo', 'tests', 'tools', 'docs', 'src/demo'] }))).toEqual([
      'demo',
      'tools',
    ]);
  });

  it.each([
    [PYPROJECT, ['src', 'lib']],
    ['[tool.pytest.ini_options]\npythonpath = "src"\n', ['src']],
    ['[tool.pytest.ini_options]\naddopts = "-q"\n', []],
    [null, []],
  ])('pytest pythonpath %#', (text, expected) => {
    expect(pytestPythonpath(text)).toEqual(expected);
  });
});
