// The variant grammar: VERSION[t][+jit][+debug][?], VERSION 3.N, 3.N.P or a pre-release 3.N.PrcK.

export interface Variant {
  /** The label exactly as the user wrote it, without the trailing `?`. */
  readonly name: string;
  /** '3.13', '3.13.5' or '3.15.0rc1' as written. */
  readonly version: string;
  /** '3.13': what the interpreter's sys.version_info must match. */
  readonly minor: string;
  readonly freeThreaded: boolean;
  readonly jit: boolean;
  readonly debug: boolean;
  /** Written with a trailing `?`: an install failure is reported but never fails the step. */
  readonly optional: boolean;
}

/**
 * Minor versions the action has been checked with. Later minors are accepted too (3.16 works
 * wherever a catalog or a source has it); which exact versions exist is the catalog's business.
 */
export const KNOWN_MINORS = ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14', '3.15'] as const;
const OLDEST_MINOR = 9;
const FIRST_FREE_THREADED = 13;
const FIRST_JIT = 13;

const GRAMMAR = /^3\.(\d{1,2})(?:\.(\d{1,3})((?:a|b|rc)\d{1,2})?)?(t?)((?:\+(?:jit|debug))*)(\??)$/;
// 3.15-dev, 3.15.0a1+, 3.15-nightly: builds of a branch, which no release catalog or tarball has.
const DEVELOPMENT =
  /^3\.\d{1,2}(?:\.\d{1,3}(?:(?:a|b|rc)\d{1,2})?)?(?:-?(?:dev|nightly|head|main)|\+)(?:$|[t+?])/;

export class VariantSyntaxError extends Error {}

/** Parses one label or throws a VariantSyntaxError that says what is wrong (without the input name). */
export function parseVariant(text: string): Variant {
  const m = GRAMMAR.exec(text);
  if (!m && DEVELOPMENT.test(text)) {
    throw new VariantSyntaxError(
      `"${text}" names a development build, which no python-build-standalone release or source tarball has: name a release (3.15, 3.15.2, or a pre-release such as 3.15.0rc1), or pass your own build with the interpreters input`,
    );
  }
  if (!m) {
    throw new VariantSyntaxError(
      `"${text}" is not a variant: the form is VERSION[t][+jit][+debug][?], e.g. 3.13, 3.13t, 3.13+jit, 3.13.5+debug, 3.14t?, 3.15.0rc1`,
    );
  }
  const [, minorDigits = '', patch, pre = '', t, suffixes = '', optional] = m;
  const minorNumber = Number(minorDigits);
  const minor = `3.${minorNumber}`;
  if (minorNumber < OLDEST_MINOR) {
    throw new VariantSyntaxError(
      `"${text}": CPython ${minor} is not a version this action knows (${KNOWN_MINORS.join(', ')} and later minors)`,
    );
  }
  const flags = suffixes.split('+').filter(Boolean);
  const jit = flags.includes('jit');
  const debug = flags.includes('debug');
  if (new Set(flags).size !== flags.length) {
    throw new VariantSyntaxError(`"${text}" repeats a modifier`);
  }
  const freeThreaded = t === 't';
  if (freeThreaded && minorNumber < FIRST_FREE_THREADED) {
    throw new VariantSyntaxError(`"${text}": free-threaded builds (t) exist from CPython 3.13 on`);
  }
  if (jit && minorNumber < FIRST_JIT) {
    throw new VariantSyntaxError(`"${text}": the JIT (+jit) exists from CPython 3.13 on`);
  }
  if (jit && freeThreaded) {
    throw new VariantSyntaxError(
      `"${text}": the JIT is inert on free-threaded builds (CPython disables it when the GIL is disabled, and python-build-standalone builds no free-threaded JIT), so ${text.replace('?', '')} would measure a build without a JIT; use ${minor}t and ${minor}+jit as two variants`,
    );
  }
  return {
    name: text.replace(/\?$/, ''),
    version: patch === undefined ? minor : `${minor}.${Number(patch)}${pre}`,
    minor,
    freeThreaded,
    jit,
    debug,
    optional: optional === '?',
  };
}

/** The canonical form, so that `3.13+debug+jit` and `3.13+jit+debug` are seen as one variant. */
export function canonicalName(v: Variant): string {
  return `${v.version}${v.freeThreaded ? 't' : ''}${v.jit ? '+jit' : ''}${v.debug ? '+debug' : ''}`;
}

/** Splits a list written with spaces, commas or lines. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
