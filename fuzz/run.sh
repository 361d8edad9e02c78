#!/usr/bin/env bash
# Fuzzes every target for SECONDS each (default 10), after seeding its corpus from the test
# fixtures and the sample posts. Prints the executions of each target; a crash fails the run
# and leaves its input in fuzz/artifacts/TARGET/.
#   bash fuzz/run.sh 300         # five minutes per target
#   FUZZ_SEED=0 bash fuzz/run.sh 300   # a random seed (libFuzzer's 0); CI uses the fixed seed 1 so
#                                      # that a red run reproduces, and longer runs go exploring
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-10}"
if ! cargo +nightly --version >/dev/null 2>&1; then
  {
    echo "################################################################################"
    echo "## NO NIGHTLY TOOLCHAIN: the fuzz targets were NOT run."
    echo "## Install one with: rustup toolchain install nightly"
    echo "################################################################################"
  } >&2
  exit 0
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
targets=(front_matter markdown mojibake permalink)
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  # Every Markdown file of the fixtures and the sample site, named by content.
  find ../tests/fixtures ../posts -type f -name '*.md' -print0 |
    while IFS= read -r -d '' f; do
      cp "$f" "corpus/$t/seed-$(sha1sum <"$f" | cut -c1-16)"
    done
done
# Inputs that once crashed or hung a target (fuzz/regressions/TARGET/), kept as seeds.
for dir in regressions/*/; do
  t=$(basename "$dir")
  cp "$dir"* "corpus/$t/"
done
for p in '/:year/:month/:day/:slug/' '/:categories/:title.html' 'pretty' '/../:slug/' '/a/./b/../:name/'; do
  printf '%s' "$p" >"corpus/permalink/seed-pattern-$(printf '%s' "$p" | sha1sum | cut -c1-16)"
done
# Safe Rust: panics, overflow and debug assertions are what we look for, so no sanitizer
# (it would rebuild every dependency instrumented, for little).
cargo +nightly fuzz build --sanitizer none
for t in "${targets[@]}"; do
  log=$(mktemp)
  if ! cargo +nightly fuzz run --sanitizer none "$t" "corpus/$t" -- \
      -max_total_time="$secs" -seed="${FUZZ_SEED:-1}" -timeout=10 -print_final_stats=1 -max_len=65536 >"$log" 2>&1; then
    cat "$log" >&2
    echo "fuzz: $t CRASHED; the input is in fuzz/artifacts/$t/" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz: $t: $runs executions in ${secs} s, 0 crashes"
  rm -f "$log"
done
