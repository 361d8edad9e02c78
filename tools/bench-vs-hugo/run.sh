#!/bin/sh
# Interleaved cold and warm builds against Hugo on the same posts (BENCHMARKS.md §1, #15).
#
#   tools/bench-vs-hugo/run.sh SITE HUGO_SITE [ROUNDS] [WIREBOOK]
#
# SITE: a wirebook site whose posts/ came from ../shared/bench/gen-corpus; HUGO_SITE: the same
# posts laid out by ../shared/bench/hugo-site. SITE is copied (the warm rounds edit a post).
# Each round: Hugo's full build (public/ removed first), wirebook `--no-cache` into a fresh
# folder, then a one-line edit of one post and a warm build in a new process into the output
# the first round filled. Last, the warm output is compared with a `--no-cache` build.
# One line per run: what, wall seconds, peak RSS in KB, user+sys CPU seconds.
set -eu
SITE=$1; HUGO=$2; ROUNDS=${3:-3}; WB=${4:-target/release/wirebook}
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
cp -a "$SITE" "$WORK/site"; rm -rf "$WORK/site/.wirebook-cache"
S=$WORK/site
run() { what=$1; shift; /usr/bin/time -f "$what %e s %M KB cpu %U+%S" "$@" 2>&1 >/dev/null | tail -1; }
one=$(ls "$S/posts" | sed -n 500p)
"$WB" build -q --root "$S" --out "$WORK/warm" >/dev/null 2>&1   # fills the cache and the output
for r in $(seq 1 "$ROUNDS"); do
  echo "# round $r, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  rm -rf "$HUGO/public"
  run hugo sh -c "cd '$HUGO' && hugo --quiet"
  rm -rf "$WORK/cold"
  run wirebook-cold "$WB" build -q --no-cache --root "$S" --out "$WORK/cold"
  echo "edit $r" >> "$S/posts/$one"
  run wirebook-warm "$WB" build -q --root "$S" --out "$WORK/warm"
done
"$WB" build -q --no-cache --root "$S" --out "$WORK/check" >/dev/null 2>&1
if diff -r "$WORK/warm" "$WORK/check" >/dev/null; then
  echo "warm output identical to --no-cache"
else
  echo "WARM OUTPUT DIFFERS from --no-cache" >&2; exit 1
fi
