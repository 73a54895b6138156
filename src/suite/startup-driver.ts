// The stopwatch of startup.ts: one round of commands goes to a small Python driver that starts
// each command and times it with perf_counter, as `hyperfine -N` does (npm run bench compares the
// two). Where posix_spawn exists it starts them with posix_spawn and waits with waitpid, a
// timeout ending the group from a SIGALRM handler. Windows has neither posix_spawn nor SIGALRM:
// there the driver uses subprocess.Popen, whose wait(timeout) is WaitForSingleObject on the
// process handle, and a timeout ends the tree with taskkill /T /F (issue 18).
import { treeKillCommand, type PlatformFacts } from '../domain/platform.js';
import type { ProcessRunner } from '../ports.js';

export interface TimedCommand {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly stderrPath: string;
  /** Send stderr back even on success (the -X importtime rows). */
  readonly returnStderr: boolean;
}

export interface TimedResult {
  readonly ms: number;
  /**
   * Negative: killed by that signal (POSIX); on Windows the exit code as Windows gives it (an
   * NTSTATUS such as 0xC0000005 for a crash). null when it could not start.
   */
  readonly exitCode: number | null;
  readonly stderr?: string;
  readonly error?: string;
}

// posix_spawn + waitpid between two perf_counter readings is what hyperfine -N does; stdin and
// stdout are /dev/null as in hyperfine; stderr goes to a file (a pipe could fill and stall the child).
// A command past its timeout is killed with its process group from a SIGALRM handler, which
// interrupts waitpid portably (no pidfd on macOS). The Popen branch keeps the same order of
// commands and the same readings around the same start and wait.
const DRIVER = String.raw`
import json, os, sys, time
plan = json.load(sys.stdin)
tree_kill = plan["treeKill"]
def read_stderr(cmd, code):
    with open(cmd["stderr"], encoding="utf-8", errors="replace") as f:
        text = f.read()
    return text if code == 0 else text[-4000:]
def finish(cmd, start, end, code):
    result = {"ms": (end - start) / 1e6, "exit": code}
    if cmd["returnStderr"] or code != 0:
        result["stderr"] = read_stderr(cmd, code)
    return result
def failed(cmd, e):
    return {"ms": 0, "exit": None, "error": "%s: %s" % (cmd["argv"][0], e.strerror or e)}
if plan["spawn"] == "posix_spawn":
    import signal
    child = 0
    def on_alarm(signum, frame):
        if child:
            try:
                os.killpg(child, signal.SIGKILL)
            except OSError:
                pass
    signal.signal(signal.SIGALRM, on_alarm)
    def run(cmd):
        global child
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, cmd["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        ]
        try:
            os.chdir(cmd["cwd"])
            start = time.perf_counter_ns()
            child = os.posix_spawnp(cmd["argv"][0], cmd["argv"], cmd["env"], file_actions=actions, setpgroup=0)
            signal.setitimer(signal.ITIMER_REAL, cmd["timeout"])
            _, status = os.waitpid(child, 0)
            end = time.perf_counter_ns()
            signal.setitimer(signal.ITIMER_REAL, 0)
            child = 0
            return finish(cmd, start, end, os.waitstatus_to_exitcode(status))
        except OSError as e:
            return failed(cmd, e)
else:
    import shutil, subprocess
    # CreateProcess looks in System32 before PATH, where bash.exe is WSL's launcher, not the Git
    # Bash the runner means: a bare name is looked up on the command's own PATH first.
    def executable(cmd):
        exe = cmd["argv"][0]
        if os.path.dirname(exe):
            return exe
        path = next((v for k, v in cmd["env"].items() if k.upper() == "PATH"), None)
        return shutil.which(exe, path=path) or exe
    # Where there is no taskkill (this branch run on POSIX by the tests), a session of its own
    # lets the whole group be killed.
    group = {} if os.name == "nt" else {"start_new_session": True}
    def end_tree(child):
        if tree_kill:
            try:
                subprocess.run(tree_kill + [str(child.pid)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
            except (OSError, subprocess.SubprocessError):
                pass
        if child.poll() is None:
            try:
                if group:
                    os.killpg(child.pid, 9)
                else:
                    child.kill()
            except OSError:
                pass
    def run(cmd):
        try:
            exe = executable(cmd)
            with open(cmd["stderr"], "wb") as err:
                start = time.perf_counter_ns()
                child = subprocess.Popen(cmd["argv"], executable=exe, cwd=cmd["cwd"], env=cmd["env"],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, **group)
                try:
                    code = child.wait(timeout=cmd["timeout"])
                    end = time.perf_counter_ns()
                except subprocess.TimeoutExpired:
                    end_tree(child)
                    code = child.wait()
                    end = time.perf_counter_ns()
            return finish(cmd, start, end, code)
        except OSError as e:
            return failed(cmd, e)
for cmd in plan["commands"]:
    print(json.dumps(run(cmd)), flush=True)
`;

// Room for every command of a round to time out, and the driver's own start.
const DRIVER_SLACK_MS = 60_000;

function tail(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(-400);
}

/** One round of commands through the driver; results in the commands' order. */
export async function runTimed(options: {
  runner: ProcessRunner;
  python: string;
  commands: readonly TimedCommand[];
  platform: PlatformFacts;
}): Promise<TimedResult[]> {
  const plan = {
    spawn: options.platform.startupSpawn,
    treeKill: treeKillCommand(options.platform),
    commands: options.commands.map((c) => ({
      argv: c.argv,
      env: c.env,
      cwd: c.cwd,
      timeout: c.timeoutMs / 1000,
      stderr: c.stderrPath,
      returnStderr: c.returnStderr,
    })),
  };
  const result = await options.runner.run({
    // -I -S: the driver ignores the tested environment and imports nothing it does not need.
    argv: [options.python, '-I', '-S', '-c', DRIVER],
    stdin: JSON.stringify(plan),
    timeoutMs: options.commands.reduce((sum, c) => sum + c.timeoutMs, DRIVER_SLACK_MS),
    outputLimitBytes: 64 * 1024 * 1024,
  });
  const lines = result.stdout.split('\n').filter((l) => l.startsWith('{'));
  const parsed = lines.map(
    (l) => JSON.parse(l) as { ms: number; exit: number | null; stderr?: string; error?: string },
  );
  const failure = `the timing driver (${options.python}) failed: ${result.spawnError ?? tail(result.stderr) ?? result.exitCode}`;
  return options.commands.map((_, i) => {
    const r = parsed[i];
    if (!r) return { ms: 0, exitCode: null, error: failure };
    return {
      ms: r.ms,
      exitCode: r.exit,
      ...(r.stderr !== undefined ? { stderr: r.stderr } : {}),
      ...(r.error ? { error: r.error } : {}),
    };
  });
}
