#!/usr/bin/env bash
# Provision real CPython 3.13.5 builds (default, free-threaded, JIT) and the Python test tools
# (pytest, pytest-benchmark) on a Debian 12/13 machine that reaches only Debian's mirror.
#
# Idempotent: everything lands in $CPV_CACHE (default ~/.cache/cpython-variants), outside the
# clone, so a machine pays the ~18 minute cold build once. Prints the interpreter paths as
# VARIANT=PATH lines into $CPV_CACHE/interpreters.txt (the `interpreters` input's format).
#
# Usage: scripts/provision.sh [--print-env]
set -euo pipefail

CACHE=${CPV_CACHE:-$HOME/.cache/cpython-variants}
PY_VERSION=3.13.5
# python.org's Python-3.13.5.tar.xz is byte-identical to Debian's orig tarball.
SOURCE_SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
JOBS=$(nproc)
mkdir -p "$CACHE"
log() { printf '[provision %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated -eq 0 ]; then apt-get update -qq; apt_updated=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

mirror() {
  local m
  m=$(grep -hm1 '^URIs:' /etc/apt/sources.list.d/debian.sources 2>/dev/null | awk '{print $2}' || true)
  [ -n "$m" ] || m=$(grep -hm1 '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' || true)
  [ -n "$m" ] || { echo "provision: cannot find the apt mirror in /etc/apt" >&2; exit 1; }
  echo "$m"
}

# A private apt view of trixie that leaves the system's sources alone.
TX=$CACHE/apt-trixie
A=(-o Dir::Etc::SourceList="$TX/sources.list" -o Dir::Etc::SourceParts=/dev/null
   -o Dir::State::Lists="$TX/lists" -o Dir::Cache="$TX/cache" -o APT::Sandbox::User=root)
trixie_update() {
  [ -f "$TX/updated" ] && return 0
  mkdir -p "$TX/lists/partial" "$TX/cache/archives/partial"
  local m; m=$(mirror)
  printf 'deb %s trixie main\ndeb-src %s trixie main\n' "$m" "$m" > "$TX/sources.list"
  log "apt-get update (private trixie view)"
  apt-get "${A[@]}" update -qq
  touch "$TX/updated"
}
# Download trixie .debs into $2 (without installing) and unpack them into $3.
trixie_unpack() {
  local pkgs=$1 debs=$2 root=$3
  [ -f "$root/.done" ] && return 0
  trixie_update
  mkdir -p "$debs" "$root"
  : > "$debs/status"
  (cd "$debs" && apt-get "${A[@]}" download $pkgs >/dev/null)
  for d in "$debs"/*.deb; do dpkg -x "$d" "$root"; done
  touch "$root/.done"
}

source_tarball() {
  local t=$CACHE/src/Python-$PY_VERSION.tar.xz
  if [ ! -f "$t" ]; then
    trixie_update
    mkdir -p "$CACHE/src/dl"
    log "downloading the CPython $PY_VERSION source (Debian orig tarball)"
    (cd "$CACHE/src/dl" && apt-get "${A[@]}" source --download-only python3.13 >/dev/null)
    local orig; orig=$(ls "$CACHE"/src/dl/python3.13_${PY_VERSION}.orig.tar.xz)
    mv "$orig" "$t.part"
    rm -rf "$CACHE/src/dl"
    echo "$SOURCE_SHA256  $t.part" | sha256sum -c --quiet - || { rm -f "$t.part"; echo "provision: checksum mismatch for the CPython source" >&2; exit 1; }
    mv "$t.part" "$t"
  fi
  echo "$SOURCE_SHA256  $t" | sha256sum -c --quiet -
  echo "$t"
}

# LLVM 18 for the 3.13 JIT's stencils: trixie installs it; bookworm has none, so take trixie's
# packages, unpack them, and run them through trixie's own loader.
llvm18() {
  if command -v clang-18 >/dev/null && command -v llvm-readobj-18 >/dev/null; then return 0; fi
  local codename; codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  if [ "$codename" != bookworm ]; then apt_install clang-18 llvm-18; return 0; fi
  local L=$CACHE/llvm18
  if [ ! -x "$L/bin/clang-18" ]; then
    trixie_update
    mkdir -p "$L/debs"
    : > "$L/status"
    log "downloading LLVM 18 from trixie"
    apt-get "${A[@]}" -o Dir::State::status="$L/status" -o Dir::Cache::archives="$L/debs" \
      -d -y -qq install clang-18 llvm-18 >/dev/null
    for d in "$L"/debs/*.deb; do dpkg -x "$d" "$L/root"; done
    mkdir -p "$L/bin"
    local R=$L/root LIB=$L/root/usr/lib/x86_64-linux-gnu
    cat > "$L/bin/clang-18" <<W
#!/bin/sh
exec $LIB/ld-linux-x86-64.so.2 --library-path $LIB:$R/usr/lib/llvm-18/lib $R/usr/lib/llvm-18/bin/clang -resource-dir $R/usr/lib/llvm-18/lib/clang/18 "\$@"
W
    for tool in llvm-readobj llvm-objdump; do
      cat > "$L/bin/$tool-18" <<W
#!/bin/sh
exec $LIB/ld-linux-x86-64.so.2 --library-path $LIB:$R/usr/lib/llvm-18/lib $R/usr/lib/llvm-18/bin/$tool "\$@"
W
    done
    chmod +x "$L"/bin/*
    rm -rf "$L/debs"
  fi
  export PATH="$L/bin:$PATH"
}

build() {
  local name=$1; shift
  local prefix=$CACHE/cpython/$PY_VERSION-$name
  [ -f "$prefix/.complete" ] && return 0
  local tarball; tarball=$(source_tarball)
  local work=$CACHE/build/$name
  rm -rf "$work" "$prefix"; mkdir -p "$work"
  tar -xJf "$tarball" -C "$work"
  local start=$SECONDS
  log "building CPython $PY_VERSION $name ($*) into $prefix"
  (cd "$work" && mkdir obj && cd obj &&
    PYTHON_FOR_REGEN=/usr/bin/python3 ../Python-$PY_VERSION/configure --prefix="$prefix" "$@" >configure.log 2>&1 &&
    make -j"$JOBS" >make.log 2>&1 &&
    make install >install.log 2>&1) || {
      log "build $name failed; last lines of its logs:"; tail -n 30 "$work"/obj/*.log >&2; exit 1; }
  # The test suite and the static library are 200 MB the action never uses.
  rm -rf "$prefix"/lib/python3.13*/test "$prefix"/lib/python3.13*/config-*/libpython*.a
  touch "$prefix/.complete"
  rm -rf "$work"
  log "built $name in $((SECONDS - start)) s"
}

pytools() {
  local root=$CACHE/pytools
  [ -f "$root/.done" ] && { echo "$root/usr/lib/python3/dist-packages"; return 0; }
  log "downloading pytest and pytest-benchmark from trixie"
  rm -rf "$root"
  trixie_unpack "python3-pytest python3-pluggy python3-iniconfig python3-packaging python3-pytest-benchmark python3-cpuinfo" \
    "$CACHE/pytools-debs" "$root"
  rm -rf "$CACHE/pytools-debs"
  echo "$root/usr/lib/python3/dist-packages"
}

# pytest-xdist and execnet, in a folder of their own: the crash tests of xdist workers put it
# on a venv's path next to pytools, and the pytools folder of an earlier run stays as it was.
xdist_tools() {
  local root=$CACHE/pytools-xdist
  [ -f "$root/.done" ] && { echo "$root/usr/lib/python3/dist-packages"; return 0; }
  log "downloading pytest-xdist and execnet from trixie"
  rm -rf "$root"
  trixie_unpack "python3-pytest-xdist python3-execnet" "$CACHE/pytools-xdist-debs" "$root"
  rm -rf "$CACHE/pytools-xdist-debs"
  echo "$root/usr/lib/python3/dist-packages"
}

# Debian sid's CPython 3.14 and 3.15 (GIL builds with the JIT compiled in, off until PYTHON_JIT=1):
# binaries, not builds. They need sid's glibc, so each root carries sid's loader and libraries and
# the interpreter is patched to use them (--force-rpath reaches the extension modules too).
SID=$CACHE/apt-sid
S=(-o Dir::Etc::SourceList="$SID/sources.list" -o Dir::Etc::SourceParts=/dev/null
   -o Dir::State::Lists="$SID/lists" -o Dir::Cache="$SID/cache" -o APT::Sandbox::User=root)
sid_update() {
  [ -f "$SID/updated" ] && return 0
  mkdir -p "$SID/lists/partial" "$SID/cache/archives/partial"
  local m; m=$(mirror)
  printf 'deb %s sid main\n' "$m" > "$SID/sources.list"
  log "apt-get update (private sid view)"
  apt-get "${S[@]}" update -qq
  touch "$SID/updated"
}
# sid_python 3.14: unpacks python3.14 and the sid libraries it needs into $CACHE/sid/3.14 and
# prints the interpreter's path.
sid_python() {
  local minor=$1 root=$CACHE/sid/$1
  local python=$root/usr/bin/python$minor
  if [ ! -f "$root/.done" ]; then
    sid_update
    apt_install patchelf
    rm -rf "$root" "$root.debs"; mkdir -p "$root.debs"
    log "downloading Debian sid's python$minor"
    local pkgs="python$minor python$minor-minimal libpython$minor-minimal libpython$minor-stdlib
      python$minor-venv python3-pip-whl python3-setuptools-whl libc6 libexpat1 zlib1g libssl3t64 libffi8
      libzstd1 libmpdec4 liblzma5 libbz2-1.0 libsqlite3-0 libuuid1 libreadline8t64 libncursesw6 libtinfo6
      libcrypt1"
    # sid replaces versions within days: with package lists older than that, refresh them once.
    (cd "$root.debs" && apt-get "${S[@]}" download $pkgs >/dev/null 2>&1) || {
      rm -f "$SID/updated"; sid_update
      (cd "$root.debs" && apt-get "${S[@]}" download $pkgs >/dev/null); }
    for d in "$root.debs"/*.deb; do dpkg -x "$d" "$root"; done
    rm -rf "$root.debs"
    local lib=$root/usr/lib/x86_64-linux-gnu
    patchelf --set-interpreter "$lib/ld-linux-x86-64.so.2" --force-rpath \
      --set-rpath "$lib:$root/lib/x86_64-linux-gnu" "$python"
    # Debian's ensurepip takes its wheels from the host's /usr/share/python-wheels, whose pip
    # is too old for $minor: point it at sid's.
    sed -i "s|^_pkg_dir = .*|_pkg_dir = '$root/usr/share/python-wheels'|" \
      "$root/usr/lib/python$minor/ensurepip/__init__.py"
    grep -q "^_pkg_dir = '$root/" "$root/usr/lib/python$minor/ensurepip/__init__.py" ||
      { echo "provision: cannot point python$minor's ensurepip at sid's wheels" >&2; exit 1; }
    "$python" -c 'import ssl, sqlite3, ctypes, zlib, lzma, bz2, sys; assert sys._jit.is_available()' ||
      { echo "provision: sid's python$minor does not run here" >&2; exit 1; }
    touch "$root/.done"
  fi
  echo "$python"
}
# The 3.14/3.15 interpreters go into a second list: the `interpreters` input refuses labels that
# are not among the variants, so interpreters.txt (the demo's input) stays 3.13 only.
sid_pythons() {
  local p14 p15
  p14=$(sid_python 3.14)
  p15=$(sid_python 3.15)
  printf '%s\n' "3.14=$p14" "3.14+jit=$p14" "3.15=$p15" "3.15+jit=$p15" > "$CACHE/interpreters-next.txt"
}

# Bash reads a script as it runs: with everything in functions and one call on the last line, an
# edit of this file during a 20-minute build cannot change what the running copy does.
main() {
  # One provisioning at a time per cache: a second run (CI, a demo, a test) waits for the first
  # instead of deleting the build tree under it.
  exec 9>"$CACHE/.provision.lock"
  flock 9
  apt_install build-essential pkg-config xz-utils libssl-dev zlib1g-dev libffi-dev libbz2-dev \
    liblzma-dev libsqlite3-dev libreadline-dev uuid-dev libncurses-dev libgdbm-dev libgdbm-compat-dev \
    git hyperfine cmark-gfm zstd python3

  llvm18
  build default
  build freethreaded --disable-gil
  build jit --enable-experimental-jit=yes-off
  TOOLS=$(pytools)
  xdist_tools >/dev/null
  sid_pythons

  P=$CACHE/cpython/$PY_VERSION
  printf '%s\n' "3.13=$P-default/bin/python3.13" "3.13t=$P-freethreaded/bin/python3.13t" \
    "3.13+jit=$P-jit/bin/python3.13" > "$CACHE/interpreters.txt"
  echo "$TOOLS" > "$CACHE/pytools.path"
  log "ready: $(tr '\n' ' ' < "$CACHE/interpreters.txt")"
  if [ "${1:-}" = --print-env ]; then
    echo "CPV_INTERPRETERS_FILE=$CACHE/interpreters.txt"
    echo "CPV_PYTOOLS=$TOOLS"
  fi
}

main "$@"
