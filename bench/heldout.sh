#!/usr/bin/env bash
# The agent against the other methods on the three held-out task families (docs/results.md, "The
# in-run agent on families it never saw"), every run folder under runs/heldout/ and resumable:
# run it again to continue. The twin agent and the in-run agent are judged on the same instances
# (bench/compare-agents.ts pairs them). Needs data/sklearn-digits.csv (bash bench/get-digits.sh).
# Usage: bash bench/heldout.sh [inrun agent file] [workers]
set -euo pipefail
cd "$(dirname "$0")/.."
agent=${1:-agents/inrun-agent.json}
workers=${2:-2}
af() { node --conditions=autoflood-source --import tsx bin/autoflood.mjs "$@"; }
run() { # run <out> <args...>: start, or continue what a killed run left
  local out=$1; shift
  if [ -f "$out/summary.json" ]; then return; fi
  if [ -f "$out/config.json" ]; then af "$@" --out "$out" --workers "$workers" --resume; else af "$@" --out "$out" --workers "$workers"; fi
}
for spec in fashion-mnist-heldout:10 synthetic-heldout:6 digits-heldout:10; do
  tasks=${spec%%:*}; n=${spec##*:}
  run "runs/heldout/inrun-$tasks" evaluate-agent --tasks "$tasks" --instances "$n" --agent "$agent" --method agent,bound,rule,grid,sh,none
  run "runs/heldout/twin-$tasks" evaluate-agent --tasks "$tasks" --instances "$n" --method agent,none
done
for tasks in fashion-mnist-heldout synthetic-heldout digits-heldout; do
  node --import tsx bench/compare-agents.ts "runs/heldout/inrun-$tasks" "runs/heldout/twin-$tasks"
done
