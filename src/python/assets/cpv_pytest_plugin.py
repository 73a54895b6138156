"""cpython-variants' pytest plugin: per-test records that survive a crash.

pytest writes its JUnit file only when the session ends, so a segfault loses every outcome.
This plugin appends one JSON line per event to the file named by CPV_RECORD_FILE as it
happens: each test's start and outcome, warnings, the GIL state. The test that started and
never finished is the one that crashed or hung.

The action loads it with `-p cpv_pytest_plugin` in PYTEST_ADDOPTS, so the user's command is
not rewritten. Without CPV_RECORD_FILE it does nothing. Standard library only, and Python 3.8
syntax, because it runs inside the tested project's interpreter.

CPV_DESELECT_FILE / CPV_ONLY_FILE (one node id a line) deselect tests already done, or all but
the ones to rerun alone: how the action continues a suite after a crash and reruns a crash.

CPV_HANG_DUMP_AT (epoch seconds; set on Windows) is when to dump every thread's stack, a moment
before the action ends a hung attempt: see _arm_hang_dump.
"""

import faulthandler
import inspect
import json
import os
import sys
import time

try:
    import pytest

    _hookimpl = pytest.hookimpl
except ImportError:  # imported outside pytest: the hooks are then plain functions

    def _hookimpl(**_options):
        return lambda function: function


_RECORD_FILE = os.environ.get("CPV_RECORD_FILE") or None
_HANG_DUMP_VARIABLE = "CPV_HANG_DUMP_AT"
_OWNER_VARIABLE = "CPV_RECORD_OWNER"
_MAX_WARNINGS = 1000
_MAX_MESSAGE = 500
_MAX_IDS = 100000
# Per-test records carry no time: the session's own records say when it ran.
_TIMED = ("load", "session-start", "session-finish")


def _gil_enabled():
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return None if is_enabled is None else bool(is_enabled())


# Taken at import, before conftest files run: an extension they import can switch the GIL on.
_GIL_AT_LOAD = _gil_enabled()


def _jit_enabled():
    # 3.14+: whether this very process runs with the JIT on (PYTHON_JIT reached it); None before.
    jit = getattr(sys, "_jit", None)
    is_enabled = getattr(jit, "is_enabled", None)
    return None if is_enabled is None else bool(is_enabled())


class _Recorder(object):
    def __init__(self, path):
        # O_APPEND and one os.write per record: each line lands whole, and nothing sits in a
        # userspace buffer when the process dies. No fsync: a segfault or SIGKILL ends the
        # process, not the kernel, and the page cache keeps what was written.
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.warnings = 0
        self.gil = _GIL_AT_LOAD
        self.phases = {}
        self.record_tests = True
        # The test whose teardown is running, and the fixtures being torn down in it.
        self.current = None
        self.tearing_down = []
        self.torn = []

    def write(self, event, **fields):
        fields["event"] = event
        fields["pid"] = os.getpid()  # not cached: a forked child (pytest-forked) is its own process
        if event in _TIMED:
            fields["t"] = round(time.time(), 3)
        # Compact: a large suite writes several lines per test, and the action reads them all.
        data = (json.dumps(fields, ensure_ascii=True, default=str, separators=(",", ":")) + "\n").encode("ascii")
        while data:
            data = data[os.write(self.fd, data) :]


_recorder = None


def _short(text):
    text = str(text)
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _read_ids(variable):
    path = os.environ.get(variable)
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            return set(line.rstrip("\n") for line in handle if line.strip())
    except OSError:
        return None


def _is_nested(config):
    # A test that starts pytest again (in a subprocess) inherits our environment: only the
    # outermost session, and its xdist workers, may write records.
    owner = os.environ.get(_OWNER_VARIABLE)
    if hasattr(config, "workerinput"):
        return False
    if owner and owner != str(os.getpid()):
        return True
    os.environ[_OWNER_VARIABLE] = str(os.getpid())
    return False


def _arm_hang_dump():
    # On Windows the action ends a hung attempt with `taskkill /F`, which no process can catch:
    # no SIGABRT makes faulthandler dump the stacks there. So the action says when it will end
    # the attempt, and the stacks are dumped a moment before, to a copy of stderr made now (pytest
    # does not capture during configure; it does during a test). The process is not ended: the
    # action's kill follows, as anywhere. Whole seconds: faulthandler heads the dump with them.
    at = os.environ.get(_HANG_DUMP_VARIABLE)
    if not at:
        return
    try:
        seconds = max(1, int(float(at) - time.time()))
        faulthandler.dump_traceback_later(seconds, repeat=False, file=os.dup(2), exit=False)
    except (OSError, ValueError, RuntimeError) as error:
        sys.stderr.write("cpv_pytest_plugin: no stack dump before the timeout: %s\n" % error)


def pytest_configure(config):
    global _recorder
    if _RECORD_FILE is None or _recorder is not None or _is_nested(config):
        return
    _arm_hang_dump()
    try:
        _recorder = _Recorder(_RECORD_FILE)
    except OSError as error:
        sys.stderr.write("cpv_pytest_plugin: cannot write %s: %s\n" % (_RECORD_FILE, error))
        return
    _recorder.write(
        "load",
        gil=_GIL_AT_LOAD,
        jit=_jit_enabled(),
        python=sys.version.split()[0],
        freeThreaded=bool(_sysconfig_var("Py_GIL_DISABLED")),
        rootdir=str(getattr(config, "rootpath", "")),
        # Which interpreter really runs the tests: `uv run`, tox or `python3.12 -m pytest` can
        # leave the variant's venv, and the action checks these against its probe.
        executable=sys.executable,
        prefix=sys.prefix,
        basePrefix=getattr(sys, "base_prefix", sys.prefix),
        jitCompiled=_jit_compiled(),
        jitActive=_jit_active(),
        pythonJit=os.environ.get("PYTHON_JIT"),
    )


def _sysconfig_var(name):
    import sysconfig

    return sysconfig.get_config_var(name)


def _jit_compiled():
    # As probe.py decides it: from the build flags, since _testinternalcapi may be absent.
    flags = " ".join(str(_sysconfig_var(k) or "") for k in ("PY_CORE_CFLAGS", "PY_CFLAGS_NODIST", "CONFIG_ARGS"))
    return "-D_Py_JIT" in flags or "--enable-experimental-jit=yes" in flags or "--enable-experimental-jit " in flags + " "


def _jit_active():
    jit = getattr(sys, "_jit", None)  # 3.14+
    return bool(jit.is_enabled()) if jit is not None and hasattr(jit, "is_enabled") else None


def pytest_sessionstart(session):
    if _recorder is None:
        return
    config = session.config
    # With xdist the controller relays the workers' reports to its own hooks: the workers
    # record the tests, the controller would only duplicate them.
    _recorder.record_tests = hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("dsession")
    _recorder.write("session-start", gil=_gil_enabled())


@_hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    if _recorder is None:
        return
    only = _read_ids("CPV_ONLY_FILE")
    done = _read_ids("CPV_DESELECT_FILE") or set()
    keep, drop = [], []
    for item in items:
        wanted = (only is None or item.nodeid in only) and item.nodeid not in done
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_collection_finish(session):
    if _recorder is None or not _recorder.record_tests:
        return
    ids = [item.nodeid for item in session.items]
    _recorder.write("collected", count=len(ids), ids=ids if len(ids) <= _MAX_IDS else None)
    _record_run_parallel(session)


def _record_run_parallel(session):
    # pytest-run-parallel decides at collection (its own tryfirst hook, before this one) which
    # tests it runs in one thread, and why; it prints the reasons only with -v, so they are read
    # from its plugin object (0.10.0: `thread_unsafe` node id -> reason, `run_in_parallel`).
    plugin = session.config.pluginmanager.get_plugin("_run-parallel")
    if plugin is None:
        return
    unsafe = getattr(plugin, "thread_unsafe", None)
    parallel = getattr(plugin, "run_in_parallel", None)
    if not isinstance(unsafe, dict) or not isinstance(parallel, dict):
        return
    selected = set(item.nodeid for item in session.items)
    _recorder.write(
        "run-parallel",
        single={k: _short(v if v is not None else "") for k, v in unsafe.items() if k in selected},
        parallel=len([k for k in parallel if k in selected]),
    )


def pytest_collectreport(report):
    if _recorder is not None and report.failed:
        _recorder.write("collect-error", nodeid=report.nodeid, message=_short(_message(report)))


def pytest_runtest_logstart(nodeid, location):
    if _recorder is None or not _recorder.record_tests:
        return
    _recorder.phases[nodeid] = {"outcome": "passed", "duration": 0.0, "message": None}
    path, line = location[0], location[1]
    path = path.replace(os.sep, "/")
    fields = {"nodeid": nodeid, "line": None if line is None else line + 1}
    # Left out when the node id starts with it (nearly always): a large suite's records stay small.
    if path != nodeid.split("::", 1)[0]:
        fields["file"] = path
    _recorder.write("start", **fields)


@_hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # Fixtures wider than the test (session, module) are torn down here, in the last test's teardown.
    # No record of its own (one line per test adds up in a large suite): a fixture-teardown
    # record says the process was in a teardown.
    if _recorder is not None and _recorder.record_tests:
        _recorder.current = item.nodeid
        _recorder.torn = []
    yield
    if _recorder is not None:
        _recorder.current = None


@_hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    yield
    if _recorder is None or not _recorder.record_tests:
        return
    # Registered after the fixture's own finalizer, so it runs first (finalizers are LIFO):
    # the record says whose teardown is running when the process dies in it.
    func = getattr(fixturedef, "func", None)
    # Only the project's fixtures with a teardown (a yield, or a finalizer of their own): two
    # records per fixture per test would double the records of a large suite for nothing.
    if func is None or str(getattr(func, "__module__", "")).startswith(("_pytest", "pytest", "xdist")):
        return
    if not (inspect.isgeneratorfunction(func) or getattr(fixturedef, "_finalizers", None)):
        return
    name, scope = fixturedef.argname, str(getattr(fixturedef, "scope", "function"))
    code = getattr(func, "__code__", None)

    def announce():
        if _recorder is None:
            return
        fields = {"nodeid": _recorder.current, "fixture": name, "scope": scope}
        if code is not None:
            fields["file"] = code.co_filename.replace(os.sep, "/")
            fields["line"] = code.co_firstlineno
        _recorder.write("fixture-teardown", **fields)
        _recorder.tearing_down.append(fields)
        _recorder.torn.append(fields)

    try:
        fixturedef.addfinalizer(announce)
    except Exception:  # an older or newer FixtureDef without addfinalizer: no attribution
        pass


def pytest_fixture_post_finalizer(fixturedef, request):
    if _recorder is None or not _recorder.tearing_down:
        return
    if _recorder.tearing_down[-1]["fixture"] == fixturedef.argname:
        _recorder.tearing_down.pop()
        _recorder.write("fixture-done", fixture=fixturedef.argname)


def _message(report):
    longrepr = report.longrepr
    if longrepr is None:
        return None
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])  # a skip: (file, line, "Skipped: reason")
        return reason[len("Skipped: ") :] if reason.startswith("Skipped: ") else reason
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and getattr(crash, "message", None):
        return crash.message
    text = str(longrepr).strip()
    return text.splitlines()[-1] if text else None


def _phase_outcome(report):
    xfail = hasattr(report, "wasxfail")
    if report.when == "call":
        if report.passed:
            return "xpassed" if xfail else "passed"
        if report.skipped:
            return "xfailed" if xfail else "skipped"
        return "failed"
    if report.failed:
        return "error"
    if report.skipped:
        return "xfailed" if xfail else "skipped"
    return "passed"


# When phases disagree the worst one names the test (a teardown error after a pass is an error).
_RANK = {"passed": 0, "xpassed": 1, "skipped": 2, "xfailed": 3, "error": 4, "failed": 5}


def pytest_runtest_logreport(report):
    if _recorder is None or not _recorder.record_tests:
        return
    state = _recorder.phases.setdefault(report.nodeid, {"outcome": "passed", "duration": 0.0, "message": None})
    state["duration"] += getattr(report, "duration", 0.0) or 0.0
    outcome = _phase_outcome(report)
    if _RANK[outcome] > _RANK[state["outcome"]]:
        state["outcome"] = outcome
        message = getattr(report, "wasxfail", None) if outcome in ("xfailed", "xpassed") else _message(report)
        state["message"] = None if message is None else _short(message)
        state["phase"] = report.when
        state["fixture"] = _failed_fixture(report) if report.when == "teardown" else None


def _failed_fixture(report):
    """The fixture whose teardown raised: the one whose code holds a frame of the traceback."""
    torn = _recorder.torn if _recorder is not None else []
    entries = getattr(getattr(report.longrepr, "reprtraceback", None), "reprentries", None) or []
    for entry in reversed(entries):
        where = getattr(entry, "reprfileloc", None)
        if where is None:
            continue
        path = str(where.path).replace(os.sep, "/")
        candidates = [
            f
            for f in torn
            if "file" in f and (f["file"] == path or f["file"].endswith("/" + path)) and f["line"] <= where.lineno
        ]
        if candidates:
            best = max(candidates, key=lambda f: f["line"])
            return {"name": best["fixture"], "scope": best["scope"]}
    return None


def pytest_runtest_logfinish(nodeid, location):
    if _recorder is None or not _recorder.record_tests:
        return
    state = _recorder.phases.pop(nodeid, {"outcome": "passed", "duration": 0.0, "message": None})
    extra = {}
    if state["outcome"] in ("error", "failed"):
        extra["phase"] = state.get("phase")
        if state.get("fixture"):
            extra["fixture"] = state["fixture"]
    _recorder.write(
        "finish",
        nodeid=nodeid,
        outcome=state["outcome"],
        duration=round(state["duration"], 6),
        message=state["message"],
        **extra
    )
    gil = _gil_enabled()
    if gil != _recorder.gil:
        # The GIL warns once per process; this names the test even when warnings are filtered.
        _recorder.gil = gil
        _recorder.write("gil", nodeid=nodeid, gil=gil)


def pytest_warning_recorded(warning_message, when, nodeid, location):
    if _recorder is None:
        return
    category = getattr(warning_message.category, "__name__", str(warning_message.category))
    message = str(warning_message.message)
    # GIL warnings always; the others within a bound, since a loop can warn millions of times.
    if "global interpreter lock" not in message:
        if _recorder.warnings >= _MAX_WARNINGS:
            return
        _recorder.warnings += 1
    _recorder.write(
        "warning",
        nodeid=nodeid or None,
        when=when,
        category=category,
        message=_short(message),
        filename=str(warning_message.filename),
        lineno=warning_message.lineno,
    )


def pytest_sessionfinish(session, exitstatus):
    if _recorder is None:
        return
    _recorder.write("session-finish", exitstatus=int(exitstatus), gil=_gil_enabled())
