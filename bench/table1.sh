#!/usr/bin/env bash
# The paper's Table 1 at the paper's width (docs/results.md, "Table 1 at the paper's width"): MLP
# 4 x 500, Adam 1e-3, batch 200, 500 epochs, b = 0, 0.05, ..., 0.5, 1,000 validation examples with
# a fixed random 100 of them also recorded (the paper's validation size, for the selection-noise
# table), the test split every 20 epochs. Two Gaussians at 1/5/10% noise with 3 seeds; Spiral and
# Sinusoid with 1; then Two Gaussians at 10% noise with 5 seeds (its run log starts with the 3
# seeds already trained, bench/seed-run-log.ts, so only seeds 3 and 4 train). Hours on 2 cores:
# resumable, and a run packed into results/table1/ (with --pack) continues in any checkout: run
# this again and it picks up from there. Packed logs keep per-epoch numbers to 5 significant digits
# (bench/pack-results.ts --round-history: the tables are unchanged, the log half the size).
# --peek writes the report of what is logged so far into runs/table1/<name>-peek/ while it runs.
# Usage: bash bench/table1.sh [workers]     bash bench/table1.sh --pack     bash bench/table1.sh --peek
set -euo pipefail
cd "$(dirname "$0")/.."
af() { node --conditions=autoflood-source --import tsx bin/autoflood.mjs "$@"; }
common=(--budget paper --levels 0:0.5:0.05 --val-size 1000 --val-subset 100 --test-every 20)
names=(two-gaussians spiral-sinusoid two-gaussians-high-5-seeds)
args_two_gaussians=(--seeds 3 --datasets two-gaussians)
args_spiral_sinusoid=(--seeds 1 --datasets spiral,sinusoid)
args_two_gaussians_high_5_seeds=(--seeds 5 --datasets two-gaussians --noises 0.1)
if [ "${1:-}" = --pack ]; then
  for name in "${names[@]}"; do
    [ -f "runs/table1/$name/config.json" ] && [ ! -f "results/table1/$name/summary.json" ] && node --import tsx bench/pack-results.ts "runs/table1/$name" "results/table1/$name" --partial --round-history
  done
  exit 0
fi
if [ "${1:-}" = --peek ]; then
  for name in "${names[@]}"; do
    [ -f "runs/table1/$name/config.json" ] && node --import tsx bench/table1-peek.ts "runs/table1/$name" "runs/table1/$name-peek"
  done
  exit 0
fi
workers=${1:-2}
for name in "${names[@]}"; do
  out=runs/table1/$name
  # A finished stage is packed with its summary; running it again would only overwrite its wall time.
  if [ -f "results/table1/$name/summary.json" ]; then echo "results/table1/$name: finished, skipped"; continue; fi
  if [ ! -f "$out/config.json" ] && [ -f "results/table1/$name/config.json" ]; then
    mkdir -p "$out" && cp "results/table1/$name/config.json" "$out/" && cp "results/table1/$name/trials.jsonl.gz" "$out/"
  fi
  if [ "$name" = two-gaussians-high-5-seeds ] && [ ! -f "$out/config.json" ] && [ ! -f "$out/trials.jsonl" ]; then
    node --import tsx bench/seed-run-log.ts results/table1/two-gaussians "$out" --noise 0.1
  fi
  var="args_${name//-/_}[@]"
  resume=(); [ -f "$out/config.json" ] && resume=(--resume)
  af reproduce synthetic "${common[@]}" "${!var}" --workers "$workers" --out "$out" "${resume[@]}"
  node --import tsx bench/pack-results.ts "$out" "results/table1/$name" --round-history
done
