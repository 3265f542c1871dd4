#!/usr/bin/env python3
"""Dev-split accuracy, macro-F1 and confusion matrices of an assembled model directory (PyTorch, float32).

    HF_HUB_OFFLINE=1 python3 Tools/training/evaluate.py --task financial --model $DATA_DIR/models/sentiment

Scores the same dev splits as train_sentiment.py (never train data) and prints JSON; --markdown prints tables.
"""
import argparse, json, os, sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer
import train_sentiment as ts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=ts.TASKS, required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(1)
    tok = AutoTokenizer.from_pretrained(a.model)
    model = AutoModelForSequenceClassification.from_pretrained(a.model).float()
    labels = [model.config.id2label[i].lower() for i in range(model.config.num_labels)]
    res = ts.evaluate(model, tok, ts.TASKS[a.task], labels, a.max_length)
    if not a.markdown:
        print(json.dumps(res, indent=2))
        return
    for name, m in res.items():
        print(f"**{name}** (n = {m['n']}): accuracy **{m['accuracy']:.4f}**, macro-F1 **{m['macro_f1']:.4f}**"
              + (f", three-way accuracy {m['three_way_accuracy']:.4f}" if "three_way_accuracy" in m else "") + "\n")
        print("| gold \\ predicted | " + " | ".join(m["labels"]) + " |")
        print("|---" * (len(m["labels"]) + 1) + "|")
        for lab, row in zip(m["labels"], m["confusion"]):
            print(f"| {lab} | " + " | ".join(str(x) for x in row) + " |")
        print()


if __name__ == "__main__":
    main()
