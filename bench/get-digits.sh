#!/usr/bin/env bash
# The data of the digits-heldout task family (envs/digits-heldout.json): scikit-learn's copy of the
# UCI optical-digits set (1,797 handwritten digits at 8x8, 64 integer features 0-16, the class in
# the last column, no header), taken from Debian's python3-sklearn package without installing it.
# Writes data/sklearn-digits.csv under the folder given (default: the current one), from which the
# task file's relative path reads it. Usage: bash bench/get-digits.sh [folder]
set -euo pipefail
dest=${1:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 777 "$work"
(cd "$work" && apt-get download python3-sklearn >/dev/null)
dpkg-deb -x "$work"/python3-sklearn_*.deb "$work/x"
mkdir -p "$dest/data"
zcat "$work/x/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz" > "$dest/data/sklearn-digits.csv"
echo "wrote $dest/data/sklearn-digits.csv ($(wc -l < "$dest/data/sklearn-digits.csv") rows)"
