// A toolkit that says nothing, with the methods a test wants to watch put in its place.
import type { Toolkit } from '../../src/ports.js';

const nothing = (): void => {};

export function quietToolkit(over: Partial<Toolkit> = {}): Toolkit {
  const [info, warning, error, notice, setOutput, setFailed] = Array<() => void>(6).fill(nothing);
  return {
    ...{ info, warning, error, notice, setOutput, setFailed },
    group: (_name, fn) => fn(),
    appendSummary: async () => {},
    ...over,
  } as Toolkit;
}
