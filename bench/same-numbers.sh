#!/usr/bin/env bash
# Checks that a refactor changed no result: trains the same configs with this tree and with an
# earlier commit (default: the previous one) and compares every epoch's metrics and the test
# readings, ignoring wall times. Usage: bash bench/same-numbers.sh [REV]
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD~1}
old=$(mktemp -d)
trap 'git worktree remove --force "$old" >/dev/null 2>&1 || true; rm -rf "$old" "$runs"' EXIT
runs=$(mktemp -d)
git worktree add --detach "$old" "$rev" >/dev/null 2>&1
ln -s "$PWD/node_modules" "$old/node_modules"
configs=(
  "--dataset two-gaussians --noise 0.1 --flood 0.3 --epochs 20 --width 50 --seed 1"
  "--dataset spiral --noise 0.05 --flood 0.1 --epochs 10 --seed 2 --flood-after-loss 0.3"
  "--dataset mnist --noise 0.2 --train-size 1000 --val-size 500 --test-size 1000 --epochs 3 --flood 0.5"
)
status=0
for i in "${!configs[@]}"; do
  for tree in new old; do
    dir=$PWD; [ "$tree" = old ] && dir=$old
    (cd "$dir" && node bin/autoflood.mjs train ${configs[$i]} --backend wasm --out "$runs/$tree-$i" --log-level warn)
  done
  if node -e '
    const fs = require("fs");
    const read = (d) => {
      const epochs = fs.readFileSync(d + "/metrics.jsonl", "utf8").trim().split("\n").map((l) => { const m = JSON.parse(l); delete m.wallSeconds; return m; });
      const s = JSON.parse(fs.readFileSync(d + "/summary.json", "utf8"));
      return JSON.stringify({ epochs, last: s.last, bestVal: s.bestVal });
    };
    process.exit(read(process.argv[1]) === read(process.argv[2]) ? 0 : 1);
  ' "$runs/new-$i" "$runs/old-$i"; then
    echo "identical: train ${configs[$i]}"
  else
    echo "DIFFERENT: train ${configs[$i]}"; status=1
  fi
done
exit $status
