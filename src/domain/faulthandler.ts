// faulthandler's dumps (Python/traceback.c, faulthandler.c): a header (`Fatal Python error: X`,
// or `Timeout (0:00:05)!` from dump_traceback_later), then one block per thread, most recent
// call first, and since 3.10 the `Extension modules: a, b (total: 2)` line naming the
// non-stdlib extensions that were loaded.
import { relativeInside } from './platform.js';

export interface StackFrame {
  readonly file: string;
  readonly line: number;
  readonly function: string;
}

export interface ThreadStack {
  /** 0x... as printed, or '' for a `Stack (most recent call first):` block. */
  readonly id: string;
  /** The thread that crashed (or received the signal). */
  readonly current: boolean;
  /** Most recent call first. */
  readonly frames: readonly StackFrame[];
}

export interface FaulthandlerDump {
  /** `Segmentation fault`, `Aborted`, `Timeout (0:00:05)!`, ... */
  readonly error: string;
  readonly threads: readonly ThreadStack[];
  readonly extensionModules: readonly string[];
  /** The dump as printed, from its header to its last line. */
  readonly text: string;
}

// On Windows an access violation or a stack overflow is an exception, not a signal, and
// faulthandler heads its dump `Windows fatal exception: access violation`.
// A timeout of a fraction of a second is printed with its microseconds: `Timeout (0:00:02.500000)!`.
const HEADER =
  /^(?:Fatal Python error: (.*)|(Timeout \(\d+:\d\d:\d\d(?:\.\d+)?\)!)|(Windows fatal exception: .*))$/;
const THREAD = /^(Current thread|Thread) (0x[0-9a-fA-F]+).*\(most recent call first\):$/;
const STACK = /^Stack \(most recent call first\):$/;
const FRAME = /^ {2}File "(.*)", line (\d+) in (.*)$/;
const EXTENSIONS = /^Extension modules: (.*?)(?: \(total: \d+\))?$/;
// Lines inside a dump that carry nothing we keep but must not end it.
const FILLER = /^(?: {2}(?:<no Python frame>|\.\.\.|<.*>)|Python runtime state: .*|)$/;

interface Building {
  error: string;
  threads: ThreadStack[];
  extensionModules: string[];
  start: number;
  end: number;
  thread?: { id: string; current: boolean; frames: StackFrame[] };
}

function closeThread(dump: Building): void {
  if (dump.thread) dump.threads.push(dump.thread);
  delete dump.thread;
}

/** Every dump in `output`, in order (a run can hold several: one per crashed process). */
export function parseFaulthandlerDumps(output: string): FaulthandlerDump[] {
  const lines = output.split(/\r?\n/);
  const dumps: FaulthandlerDump[] = [];
  let current: Building | undefined;
  const finish = (): void => {
    if (!current) return;
    closeThread(current);
    dumps.push({
      error: current.error,
      threads: current.threads,
      extensionModules: current.extensionModules,
      text: lines.slice(current.start, current.end + 1).join('\n'),
    });
    current = undefined;
  };

  lines.forEach((line, index) => {
    const header = HEADER.exec(line);
    if (header) {
      finish();
      current = {
        error: header[1] ?? header[2] ?? header[3] ?? '',
        threads: [],
        extensionModules: [],
        start: index,
        end: index,
      };
      return;
    }
    if (!current) return;
    const thread = THREAD.exec(line);
    const frame = FRAME.exec(line);
    const extensions = EXTENSIONS.exec(line);
    if (thread || STACK.test(line)) {
      closeThread(current);
      current.thread = {
        id: thread?.[2] ?? '',
        current: thread ? thread[1] === 'Current thread' : true,
        frames: [],
      };
    } else if (frame && current.thread) {
      current.thread.frames.push({ file: frame[1] ?? '', line: Number(frame[2]), function: frame[3] ?? '' });
    } else if (extensions) {
      current.extensionModules = (extensions[1] ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
    } else if (!FILLER.test(line)) {
      // Py_FatalError prints the failing function and an exception before the stacks; any
      // other line after the stacks means the dump is over.
      if (current.threads.length > 0 || current.thread) finish();
      return;
    }
    if (current) current.end = line === '' ? current.end : index;
  });
  finish();
  return dumps;
}

// Frames of the test runner and the interpreter's startup say nothing about the tested code.
const RUNNER_FRAME = /[\\/](?:_pytest|pluggy|pytest|unittest|xdist|execnet)[\\/]|^<frozen runpy>$/;

export function isRunnerFrame(frame: StackFrame): boolean {
  return RUNNER_FRAME.test(frame.file);
}

/**
 * The frame of the test that was running: in `testFile` (the plugin's record) when given, else
 * the first `test*` function in a `test_*.py` / `*_test.py` file; the current thread first,
 * because a crash in a worker thread leaves the test's frame in the main thread's stack.
 */
export function testFrame(dump: FaulthandlerDump, options: { testFile?: string } = {}): StackFrame | null {
  const threads = [...dump.threads].sort((a, b) => Number(b.current) - Number(a.current));
  const wanted = options.testFile?.replace(/\\/g, '/');
  const matches = (frame: StackFrame): boolean => {
    const file = frame.file.replace(/\\/g, '/');
    if (wanted) return file === wanted || file.endsWith(`/${wanted}`);
    const base = file.slice(file.lastIndexOf('/') + 1);
    return /^test_.*\.py$|_test\.py$/.test(base) && frame.function.startsWith('test');
  };
  for (const thread of threads) {
    const frame = thread.frames.find(matches);
    if (frame) return frame;
  }
  return null;
}

/** The dump's first line as faulthandler wrote it. */
export function dumpHeadline(dump: Pick<FaulthandlerDump, 'error'>): string {
  return /^(?:Timeout|Windows fatal exception)/.test(dump.error)
    ? dump.error
    : `Fatal Python error: ${dump.error}`;
}

/**
 * A short excerpt a reader grasps at once: the error, each thread's frames without the test
 * runner's (the project's own files relative to `relativeTo`), and the extension modules,
 * within `maxChars`.
 */
export function dumpExcerpt(
  dump: FaulthandlerDump,
  options: { maxChars?: number; framesPerThread?: number; relativeTo?: string } = {},
): string {
  const maxChars = options.maxChars ?? 3_000;
  const framesPerThread = options.framesPerThread ?? 12;
  const base = options.relativeTo;
  const show = (file: string): string => (base ? relativeInside(file, base) : null) ?? file;
  const parts = [dumpHeadline(dump)];
  for (const thread of dump.threads) {
    const own = thread.frames.filter((frame) => !isRunnerFrame(frame));
    const shown = own.slice(0, framesPerThread);
    const label = thread.id === '' ? 'Stack' : `${thread.current ? 'Current thread' : 'Thread'} ${thread.id}`;
    const runner = thread.frames.length - own.length;
    const older = own.length - shown.length;
    parts.push(
      [
        `${label} (most recent call first):`,
        ...shown.map((f) => `  File "${show(f.file)}", line ${f.line} in ${f.function}`),
        ...(older > 0 ? [`  ... ${older} older frames`] : []),
        ...(runner > 0 ? [`  (${runner} frames of the test runner left out)`] : []),
      ].join('\n'),
    );
  }
  if (dump.extensionModules.length > 0) parts.push(`Extension modules: ${dump.extensionModules.join(', ')}`);
  const text = parts.join('\n\n');
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 20)}\n[... cut ...]`;
}
