// `python -X importtime` output. CPython prints one line per import as it finishes (so children
// come before their parent) with the format "import time: %9ld | %10ld | %*s%s": self and
// cumulative microseconds, then the name indented by two spaces per nesting level.

export interface ImportTimeRow {
  readonly module: string;
  readonly selfUs: number;
  readonly cumulativeUs: number;
  /** 0 for an import made by the interpreter's startup or the command itself. */
  readonly depth: number;
}

export interface ImportTime {
  /** In the order CPython printed them. A module may appear twice: failed imports are printed too. */
  readonly modules: readonly ImportTimeRow[];
  /** Sum of the top-level cumulative times, startup's own imports (encodings, site) included. */
  readonly totalUs: number;
}

// Rows only: the header has no numbers, 3.14's `-X importtime=2` prints "cached" for modules
// already imported (no cost to count), and anything else on stderr is the program's own.
const ROW = /^import time:\s*(\d+) \|\s*(\d+) \| ( *)(\S+)\s*$/;

export function parseImportTime(stderr: string): ImportTime {
  const modules: ImportTimeRow[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    const match = ROW.exec(line);
    if (!match) continue;
    const [, self = '0', cumulative = '0', indent = '', module = ''] = match;
    modules.push({
      module,
      selfUs: Number(self),
      cumulativeUs: Number(cumulative),
      depth: Math.floor(indent.length / 2),
    });
  }
  const totalUs = modules.filter((row) => row.depth === 0).reduce((sum, row) => sum + row.cumulativeUs, 0);
  return { modules, totalUs };
}

export interface HeaviestOptions {
  readonly count: number;
  /**
   * 'cumulative' (default) ranks a package with everything it pulls in; 'self' ranks the module
   * whose own top-level code is slow, which cumulative hides behind its importers.
   */
  readonly by?: 'cumulative' | 'self';
}

/** The `count` most expensive rows, most expensive first; ties keep CPython's order. */
export function heaviestImports(importTime: ImportTime, options: HeaviestOptions): ImportTimeRow[] {
  const key = options.by === 'self' ? 'selfUs' : 'cumulativeUs';
  return [...importTime.modules].sort((a, b) => b[key] - a[key]).slice(0, Math.max(0, options.count));
}
