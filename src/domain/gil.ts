// A free-threaded build switches the GIL back on for the whole process when it imports an
// extension module that has not declared `Py_mod_gil` (PEP 703), and warns once, naming the
// module: `RuntimeWarning: The global interpreter lock (GIL) has been enabled to load module
// 'X', which has not declared that it can run safely without the GIL.`
// It warns only for the first such module of a process: later ones find the GIL already on.

const GIL_WARNING = /The global interpreter lock \(GIL\) has been enabled to load module '([^'\s]+)'/g;

/** Module names from the GIL warning, in order of first appearance, without repeats. */
export function gilReenabledModules(text: string): string[] {
  return uniqueNames([...text.matchAll(GIL_WARNING)].map((match) => match[1] ?? ''));
}

export interface WarningLike {
  readonly category: string;
  readonly message: string;
}

/** The same from recorded warnings (the pytest plugin's `pytest_warning_recorded` records). */
export function gilModulesFromWarnings(warnings: readonly WarningLike[]): string[] {
  return uniqueNames(
    warnings.filter((w) => w.category === 'RuntimeWarning').flatMap((w) => gilReenabledModules(w.message)),
  );
}

export function uniqueNames(names: Iterable<string>): string[] {
  return [...new Set([...names].filter((name) => name !== ''))];
}
