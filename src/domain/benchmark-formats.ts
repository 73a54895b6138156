// The JSON files a benchmark command writes to `{json}`. The format is told from the content,
// not the file name: users pick any name, and pyperf and pytest-benchmark both write
// `benchmarks: [...]`, so each format is recognised by what sits inside its entries.
import { median } from './stats.js';

export type BenchmarkFormat = 'pytest-benchmark' | 'pyperf' | 'hyperfine';

export interface ParsedBenchmark {
  readonly name: string;
  /** Seconds per iteration, one value per round (pyperf: per value; warmups left out). */
  readonly rounds: readonly number[];
  readonly median: number;
  /**
   * The one number this run of the command gives each comparison. pytest-benchmark's rounds all
   * ran inside one process, so what slows some of them is the machine (a neighbour, an interrupt
   * on the core), never faster than the code: its fastest round is the figure, as pytest-benchmark
   * itself compares by `min`. On 200 real benchmarks it halved the spread between processes on
   * a busy 2-core machine (log sd 0.25 with the median round, 0.12 with the fastest) and cut it by
   * a sixth on a quiet one. pyperf's values and hyperfine's times each come from their own
   * process, so for them it is the median.
   */
  readonly figure: number;
  /**
   * The benchmark's parameters where the format names them: pytest-benchmark's `params` (from
   * `@pytest.mark.parametrize`), hyperfine's `parameters` (`--parameter-scan`, `--parameter-list`).
   * Only scalar values, as strings. thread-scaling.ts reads the thread count from here.
   */
  readonly params?: Readonly<Record<string, string>>;
  /** Calls timed together in one round (pytest-benchmark's `stats.iterations`); 1 where unknown. */
  readonly iterations?: number;
}

export interface BenchmarkResults {
  readonly format: BenchmarkFormat;
  readonly benchmarks: readonly ParsedBenchmark[];
  /** The interpreter that ran them, where the format says (pytest-benchmark's machine_info, pyperf's metadata). */
  readonly interpreter?: { readonly version: string; readonly executable?: string };
}

type Json = Record<string, unknown>;

interface FormatSpec {
  readonly format: BenchmarkFormat;
  readonly writtenBy: string;
  readonly matches: (doc: Json) => boolean;
  readonly parse: (doc: Json, origin: string) => ParsedBenchmark[];
}

const FORMATS: readonly FormatSpec[] = [
  {
    format: 'pytest-benchmark',
    writtenBy: 'pytest --benchmark-json',
    // machine_info alone tells an empty run (every benchmark skipped) from any other format.
    matches: (doc) => {
      const benchmarks = list(doc.benchmarks);
      if (benchmarks === undefined) return false;
      return (
        isRecord(doc.machine_info) ||
        (benchmarks.length > 0 && benchmarks.every((b) => isRecord(b) && isRecord(b.stats)))
      );
    },
    parse: parsePytestBenchmark,
  },
  {
    format: 'pyperf',
    writtenBy: 'pyperf -o / --append',
    matches: (doc) => {
      const benchmarks = list(doc.benchmarks) ?? [];
      return benchmarks.length > 0 && benchmarks.every((b) => isRecord(b) && list(b.runs) !== undefined);
    },
    parse: parsePyperf,
  },
  {
    format: 'hyperfine',
    writtenBy: 'hyperfine --export-json',
    matches: (doc) => list(doc.results)?.every((r) => isRecord(r) && typeof r.command === 'string') ?? false,
    parse: parseHyperfine,
  },
];

const UNDERSTOOD = FORMATS.map((f) => `${f.format} (${f.writtenBy})`).join(', ');

/** Parses a benchmark result file; throws an Error naming `origin` when it is none of the formats. */
export function parseBenchmarkResults(text: string, origin: string): BenchmarkResults {
  const doc = parseJson(text, origin);
  const spec = isRecord(doc) ? FORMATS.find((f) => f.matches(doc)) : undefined;
  if (!spec || !isRecord(doc)) {
    throw new Error(`${origin} is not a benchmark result this action understands: ${UNDERSTOOD}`);
  }
  const interpreter = interpreterOf(doc);
  return {
    format: spec.format,
    benchmarks: spec.parse(doc, origin),
    ...(interpreter ? { interpreter } : {}),
  };
}

/**
 * `machine_info.python_version` (pytest-benchmark); `python_version` ("3.13.5 (64-bit) ...")
 * and `python_executable` in pyperf's metadata, the file's or its first benchmark's.
 */
function interpreterOf(doc: Json): BenchmarkResults['interpreter'] | null {
  if (isRecord(doc.machine_info)) {
    const version = stringField(doc.machine_info.python_version);
    return version ? { version } : null;
  }
  const [firstBenchmark] = records(doc.benchmarks);
  const metadata = {
    ...(isRecord(doc.metadata) ? doc.metadata : {}),
    ...(isRecord(firstBenchmark?.metadata) ? firstBenchmark.metadata : {}),
  };
  const version = stringField(metadata['python_version'])?.split(' ')[0];
  if (!version) return null;
  const executable = stringField(metadata['python_executable']);
  return { version, ...(executable ? { executable } : {}) };
}

function parseJson(text: string, origin: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = `${origin} is not JSON (${String(error)}); benchmark results are understood as ${UNDERSTOOD}`;
    throw new Error(message, { cause: error });
  }
}

function parsePytestBenchmark(doc: Json, origin: string): ParsedBenchmark[] {
  return records(doc.benchmarks).map((entry, index) => {
    const name = stringField(entry.fullname) ?? stringField(entry.name) ?? `benchmark ${index + 1}`;
    const stats = isRecord(entry.stats) ? entry.stats : {};
    // stats.data is per round and per iteration; without it (a file saved by --benchmark-save
    // without --benchmark-save-data) the median is all there is.
    const data = list(stats.data);
    const params = scalars(entry.params);
    const iterations =
      typeof stats.iterations === 'number' && stats.iterations >= 1 ? { iterations: stats.iterations } : {};
    if (data) {
      const rounds = timings(data, { origin, name });
      return { ...benchmark({ name, rounds }), figure: fastest(rounds), ...params, ...iterations };
    }
    const only = timings([stats.median], { origin, name });
    // stats.min is the fastest round's time, as stats.data would have given it.
    const [min] = typeof stats.min === 'number' ? timings([stats.min], { origin, name }) : only;
    return { name, rounds: only, median: only[0]!, figure: min!, ...params, ...iterations };
  });
}

// Units pyperf writes for timings; 'byte' and 'integer' (tracemalloc, counters) are not timings.
const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { second: 1 };
// pyperf >= 0.9.6 ('1.0' from pyperf 1.0, when warmups became per iteration too).
const PYPERF_VERSIONS: readonly unknown[] = ['1.0', 6];

function parsePyperf(doc: Json, origin: string): ParsedBenchmark[] {
  if (!PYPERF_VERSIONS.includes(doc.version)) {
    throw new Error(
      `${origin}: pyperf file format version ${JSON.stringify(doc.version)} is not supported (pyperf 0.9.6 or newer)`,
    );
  }
  const suiteMetadata = isRecord(doc.metadata) ? doc.metadata : {};
  return records(doc.benchmarks).map((entry, index) => {
    // pyperf hoists metadata shared by every run up to the benchmark, and what every benchmark
    // shares up to the file: a run's metadata is the three layered, file first.
    const benchMetadata = { ...suiteMetadata, ...(isRecord(entry.metadata) ? entry.metadata : {}) };
    const runs = records(entry.runs);
    const first = { ...benchMetadata, ...(isRecord(runs[0]?.metadata) ? runs[0].metadata : {}) };
    const name = stringField(first.name) ?? `benchmark ${index + 1}`;
    const unit = stringField(first.unit) ?? 'second';
    const scale = SECONDS_PER_UNIT[unit];
    if (scale === undefined) {
      throw new Error(
        `${origin}: pyperf benchmark "${name}" is measured in ${unit}, not time; only timings can be compared`,
      );
    }
    // Calibration runs carry only warmups; warmups are the interpreter settling, not the figure.
    const values = runs.flatMap((run) => list(run.values) ?? []);
    return benchmark({ name, rounds: timings(values, { origin, name }).map((v) => v * scale) });
  });
}

function parseHyperfine(doc: Json, origin: string): ParsedBenchmark[] {
  return records(doc.results).map((entry) => {
    const name = String(entry.command);
    const times = list(entry.times);
    const params = scalars(entry.parameters);
    if (times) return { ...benchmark({ name, rounds: timings(times, { origin, name }) }), ...params };
    const only = timings([entry.median], { origin, name });
    return { name, rounds: only, median: only[0]!, figure: only[0]!, ...params };
  });
}

// Not Math.min(...rounds): a long pytest-benchmark run has more rounds than a call takes arguments.
function fastest(rounds: readonly number[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (const r of rounds) if (r < best) best = r;
  return best;
}

function benchmark(options: { name: string; rounds: number[] }): ParsedBenchmark {
  const middle = median(options.rounds);
  return { ...options, median: middle, figure: middle };
}

function timings(values: readonly unknown[], where: { origin: string; name: string }): number[] {
  if (values.length === 0) throw new Error(`${where.origin}: benchmark "${where.name}" has no timings`);
  return values.map((value) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(
        `${where.origin}: benchmark "${where.name}" has ${JSON.stringify(value)} where a time in seconds belongs`,
      );
    }
    return value;
  });
}

/** `{ params }` with the scalar entries of `value` as strings, or nothing when there are none. */
function scalars(value: unknown): { params?: Record<string, string> } {
  if (!isRecord(value)) return {};
  const kept = Object.entries(value).filter((entry): entry is [string, string | number | boolean] =>
    ['string', 'number', 'boolean'].includes(typeof entry[1]),
  );
  return kept.length > 0 ? { params: Object.fromEntries(kept.map(([k, v]) => [k, String(v)])) } : {};
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Array.isArray narrows to any[]; this keeps the elements unknown until checked.
function list(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? (value as unknown[]) : undefined;
}

function records(value: unknown): Json[] {
  return (list(value) ?? []).filter(isRecord);
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
