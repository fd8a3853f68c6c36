#!/bin/sh
# run-tests.sh -- the whole test suite from a clean tree, as CI runs it.
#
# Installs the build dependencies (Debian 12, as root), regenerates the
# autotools files, builds from scratch in _build/, runs `make check`, then
# tests/systemd-nspawn.sh (`make check-systemd`: the installed daemon and the
# quick start in a booted Debian 12 container; it says SKIP where
# systemd-nspawn cannot run), then `make distcheck`, then the unit and
# integration tests again under ASan+UBSan in _build-asan/, then the threaded
# tests under ThreadSanitizer in _build-tsan/ and bounded libFuzzer runs of
# the proto, lexicon and model harnesses. Any failure stops the run with a
# non-zero exit status and prints the failing tests' logs.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

tools/deps.sh --test

show_logs() {
  # Print the logs of failed tests so CI output says what broke.
  for f in $(find "$1" -name '*.trs' 2>/dev/null); do
    if grep -q '^:test-result: \(FAIL\|ERROR\)' "$f"; then
      echo "==== ${f%.trs}.log"; cat "${f%.trs}.log" || true
    fi
  done
}

echo "== autoreconf"
autoreconf -fi >/dev/null

echo "== build and make check (_build)"
rm -rf _build && mkdir _build && cd _build
../configure -q
make -j"$jobs" >/dev/null
make -j"$jobs" check || { show_logs .; exit 1; }
cat test-suite.log | sed -n '1,12p'

echo "== real systemd: tests/systemd-nspawn.sh (make check-systemd)"
t0=$(date +%s)
rc=0
top_srcdir=$top top_builddir=$top/_build sh "$top/tests/systemd-nspawn.sh" \
  >systemd-nspawn.log 2>&1 || rc=$?
cat systemd-nspawn.log
case $rc in
  0) echo "systemd-nspawn: passed in $(( $(date +%s) - t0 )) s" ;;
  77) echo "systemd-nspawn: skipped: $(sed -n 's/^SKIP: //p' systemd-nspawn.log)" ;;
  *) echo "systemd-nspawn: FAILED (exit status $rc)"; exit 1 ;;
esac

echo "== make distcheck"
make -j"$jobs" distcheck >distcheck.log 2>&1 || {
  tail -n 80 distcheck.log; show_logs .; exit 1; }
grep -A3 'archives ready for distribution' distcheck.log || true

echo "== ASan+UBSan build and make check (_build-asan)"
cd "$top"
rm -rf _build-asan && mkdir _build-asan && cd _build-asan
../configure -q --enable-sanitizers
make -j"$jobs" >/dev/null
# The sanitizers slow the integration tests 2-3x (two at a time here):
# their socket timeouts, failure detectors rather than limits, are
# stretched as for TSan below.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
CK_TIMEOUT_MULTIPLIER=2 IT_IO_TIMEOUT_S=30 \
  make -j"$jobs" check || { show_logs .; exit 1; }

# ---- ThreadSanitizer and bounded fuzzing ------------------------------------
# TSan: the tests that run threads against each other (rings, spinning
# workers, nbest pools, the reload thread, cancellation, the daemon under
# faults), with timeouts stretched for its 5-15x slowdown.
echo "== ThreadSanitizer build and the threaded tests (_build-tsan)"
cd "$top"
rm -rf _build-tsan && mkdir _build-tsan && cd _build-tsan
../configure -q --enable-tsan
make -j"$jobs" >/dev/null
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
CK_TIMEOUT_MULTIPLIER=4 IT_IO_TIMEOUT_S=60 \
  make -j"$jobs" check TESTS="tests/daemon-unit tests/it-workers \
    tests/it-nbest-workers tests/it-drain-reload tests/it-malformed \
    tests/daemon-faults.sh tests/daemon-nopron.sh" ||
  { show_logs .; exit 1; }

# Fuzzing: a fixed number of inputs each (FUZZ_RUNS, default 20000) from
# the seed corpus in tests/corpus/<harness>/, with a fixed seed.
echo "== bounded fuzz runs (clang + libFuzzer, ASan+UBSan)"
cd "$top/_build"
for h in proto lexicon model text; do
  make fuzz-$h FUZZ_RUNS="${FUZZ_RUNS:-20000}" FUZZ_SECONDS=300 \
    >fuzz-$h.log 2>&1 || { tail -n 60 fuzz-$h.log; exit 1; }
  echo "fuzz-$h: $(grep '^Done' fuzz-$h.log)"
done

echo "run-tests: all passed"
