// The log is also the runner's command channel: a line such as `::error::x`, `::add-mask::y` or
// `::stop-commands::t` printed by the tested code would be obeyed as if the action had written it
// (and the last would make the action's own later annotations inert). So every plain log line goes
// out between `::stop-commands::TOKEN` and `::TOKEN::`, with a fresh random token per block:
// https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#stopping-and-starting-workflow-commands
// The action's own commands (annotations, groups, outputs, the step's failure) close the block first.
import { randomBytes } from 'node:crypto';
import type { Annotation, Toolkit } from '../ports.js';

export interface FencedToolkit extends Toolkit {
  /** Writes to the log by other means than info (the comment printed whole), inside a block. */
  quote(write: () => void): void;
  /** Ends the open block, if any: before anything writes to the log outside this toolkit. */
  close(): void;
}

export function fenceCommands(
  inner: Toolkit,
  options: {
    token?: () => string;
    /**
     * Ends a block once the current burst of lines is out, so that what a library writes to the
     * log on its own later (@actions/cache's `::debug::`) is read as a command again.
     */
    defer?: (fn: () => void) => void;
  } = {},
): FencedToolkit {
  const token = options.token ?? (() => randomBytes(16).toString('hex'));
  const defer = options.defer ?? ((fn) => void setImmediate(fn));
  let open: string | null = null;
  const close = (): void => {
    if (open === null) return;
    inner.info(`::${open}::`);
    open = null;
  };
  const quote = (write: () => void): void => {
    if (open === null) {
      open = token();
      inner.info(`::stop-commands::${open}`);
      defer(close);
    }
    write();
  };
  return {
    info: (message: string) => quote(() => inner.info(message)),
    warning(message: string, annotation?: Annotation): void {
      close();
      inner.warning(message, annotation);
    },
    error(message: string, annotation?: Annotation): void {
      close();
      inner.error(message, annotation);
    },
    notice(message: string, annotation?: Annotation): void {
      close();
      inner.notice(message, annotation);
    },
    group<T>(name: string, fn: () => Promise<T>): Promise<T> {
      close();
      return inner.group(name, async () => {
        try {
          return await fn();
        } finally {
          // `::endgroup::` follows fn at once: it must not land inside a block.
          close();
        }
      });
    },
    setOutput(name: string, value: string): void {
      close();
      inner.setOutput(name, value);
    },
    appendSummary(markdown: string): Promise<void> {
      close();
      return inner.appendSummary(markdown);
    },
    setFailed(message: string): void {
      close();
      inner.setFailed(message);
    },
    quote,
    close,
  };
}
