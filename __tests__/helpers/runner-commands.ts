// What GitHub's runner would do with a step's log: the workflow commands it obeys, read the way
// its ActionCommandManager reads them (actions/runner, src/Runner.Worker/ActionCommandManager.cs):
// `::name props::data` at the start of a line (leading blanks allowed), the older `##[name props]data`
// anywhere in it, and `::stop-commands::TOKEN` turning both off until a line `::TOKEN::`.

export interface ObeyedCommand {
  readonly name: string;
  readonly data: string;
}

function parse(line: string): ObeyedCommand | null {
  const v2 = /^::([A-Za-z0-9_.-]+)(?: [^:]*)?::(.*)$/.exec(line.trimStart());
  if (v2) return { name: v2[1]!, data: v2[2]! };
  const v1 = /##\[([A-Za-z0-9_.-]+)(?: [^\]]*)?\](.*)$/.exec(line);
  return v1 ? { name: v1[1]!, data: v1[2]! } : null;
}

/** The commands the runner obeys in `log`, in order; stop-commands and its resume included. */
export function obeyedCommands(log: string): ObeyedCommand[] {
  const obeyed: ObeyedCommand[] = [];
  let stopToken: string | null = null;
  for (const line of log.split(/\r?\n/)) {
    const command = parse(line);
    if (command === null) continue;
    if (stopToken !== null) {
      if (command.name === stopToken) {
        stopToken = null;
        obeyed.push(command);
      }
      continue;
    }
    if (command.name === 'stop-commands') stopToken = command.data;
    obeyed.push(command);
  }
  return obeyed;
}

/** The lines the runner shows as text between a stop-commands and its resume. */
export function quotedLines(log: string): string[] {
  const quoted: string[] = [];
  let stopToken: string | null = null;
  for (const line of log.split(/\r?\n/)) {
    const command = parse(line);
    if (stopToken !== null) {
      if (command?.name === stopToken) stopToken = null;
      else quoted.push(line);
    } else if (command?.name === 'stop-commands') stopToken = command.data;
  }
  return quoted;
}
