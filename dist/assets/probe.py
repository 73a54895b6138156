# Prints what an interpreter really is, as one JSON object on stdout. Runs on CPython 3.8+.
# It reads build facts from sysconfig, not from _testinternalcapi (absent from
# python-build-standalone's install_only archives).
import json
import platform
import re
import sys
import sysconfig

cfg = sysconfig.get_config_vars()
flags = " ".join(
    str(cfg.get(k) or "")
    for k in ("PY_CORE_CFLAGS", "PY_CFLAGS", "PY_CFLAGS_NODIST", "CFLAGS", "CONFIGURE_CFLAGS_NODIST", "PY_STDMODULE_CFLAGS")
)
config_args = str(cfg.get("CONFIG_ARGS") or "")
m = re.search(r"--enable-experimental-jit(?:=([\w-]+))?", config_args)
jit_option = (m.group(1) or "yes") if m else None
# 'interpreter' builds the tier-2 interpreter without the JIT; 'no' builds neither.
jit_compiled = "-D_Py_JIT" in flags or jit_option in ("yes", "yes-off")
# _Py_TIER2=1: JIT on by default; =3: compiled in but off until PYTHON_JIT=1.
tier2 = re.search(r"-D_Py_TIER2=(\d+)", flags)
jit_default_on = None
if jit_compiled:
    if tier2:
        jit_default_on = tier2.group(1) == "1"
    elif jit_option:
        jit_default_on = jit_option == "yes"

jit_active = None
jit_available = None
jit_api = getattr(sys, "_jit", None)  # 3.14+
if jit_api is not None and hasattr(jit_api, "is_enabled"):
    jit_active = bool(jit_api.is_enabled())
if jit_api is not None and hasattr(jit_api, "is_available"):
    # 3.14+ says itself whether the JIT is compiled in and usable on this machine: that wins
    # over reading build flags.
    jit_available = bool(jit_api.is_available())
    jit_compiled = jit_available
    if jit_available and jit_default_on is None:
        jit_default_on = jit_option != "yes-off"

print(json.dumps({
    "implementation": sys.implementation.name,
    "version": platform.python_version(),
    "versionInfo": list(sys.version_info[:3]),
    "executable": sys.executable,
    "prefix": sys.prefix,
    "freeThreaded": bool(cfg.get("Py_GIL_DISABLED")),
    "gilEnabled": sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True,
    "jitCompiled": bool(jit_compiled),
    "jitDefaultOn": jit_default_on,
    "jitActive": jit_active,
    "jitAvailable": jit_available,
    "debug": hasattr(sys, "gettotalrefcount") or bool(cfg.get("Py_DEBUG")),
    "platform": sys.platform,
    "machine": platform.machine(),
}))
