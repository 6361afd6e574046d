#!/usr/bin/env bash
# Checks that a refactor changed no result: runs the same train, grid and tune commands with this
# tree and with an earlier commit (default: the previous one), both from their TypeScript sources
# on the wasm backend, and compares every epoch's metrics and the test readings of every
# training, ignoring wall times. Usage: bash bench/same-numbers.sh [REV]
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD~1}
old=$(mktemp -d)
runs=$(mktemp -d)
trap 'git worktree remove --force "$old" >/dev/null 2>&1 || true; rm -rf "$old" "$runs"' EXIT
git worktree add --detach "$old" "$rev" >/dev/null 2>&1
ln -s "$PWD/node_modules" "$old/node_modules"
tiny="--train-size 200 --val-size 100 --test-size 400 --depth 2 --width 32 --batch-size 100"
commands=(
  "train --dataset two-gaussians --noise 0.1 --flood 0.3 --epochs 20 --width 50 --seed 1"
  "train --dataset spiral --noise 0.05 --flood 0.1 --epochs 10 --seed 2 --flood-after-loss 0.3"
  "train --dataset mnist --noise 0.2 --train-size 1000 --val-size 500 --test-size 1000 --epochs 3 --flood 0.5"
  "grid --dataset two-gaussians --noise 0.2 --epochs 8 --seeds 2 $tiny"
  "tune --dataset sinusoid --noise 0.1 --epochs 10 --method none,grid,sh,pbt,rule,heuristic,agent --seeds 1 $tiny"
)
status=0
for i in "${!commands[@]}"; do
  for tree in new old; do
    dir=$PWD; [ "$tree" = old ] && dir=$old
    (cd "$dir" && node --conditions=autoflood-source --import tsx bin/autoflood.mjs ${commands[$i]} --backend wasm --out "$runs/$tree-$i" --log-level warn)
  done
  if node -e '
    const fs = require("fs");
    const noTime = (m) => { const { wallSeconds, ...rest } = m; return rest; };
    const lines = (f) => fs.readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    // Fields the earlier tree did not record (e.g. per-example loss statistics) are not compared.
    const oldKeys = new Set();
    const read = (d, keep) => {
      const pick = (m) => (keep ? Object.fromEntries(Object.entries(m).filter(([k]) => oldKeys.has(k))) : (Object.keys(m).forEach((k) => oldKeys.add(k)), m));
      if (fs.existsSync(d + "/trials.jsonl")) {
        // A run log: every training, by id (order may differ), its epochs and readings.
        const trials = lines(d + "/trials.jsonl").map((t) => ({ id: t.id, history: t.history.map(noTime).map(pick), last: t.last, bestVal: t.bestVal }));
        return JSON.stringify(trials.sort((a, b) => (a.id < b.id ? -1 : 1)));
      }
      const s = JSON.parse(fs.readFileSync(d + "/summary.json", "utf8"));
      return JSON.stringify({ epochs: lines(d + "/metrics.jsonl").map(noTime).map(pick), last: s.last, bestVal: s.bestVal });
    };
    const old = read(process.argv[2], false);
    process.exit(read(process.argv[1], true) === old ? 0 : 1);
  ' "$runs/new-$i" "$runs/old-$i"; then
    echo "identical: ${commands[$i]}"
  else
    echo "DIFFERENT: ${commands[$i]}"; status=1
  fi
done
exit $status
