#!/usr/bin/env python3
"""Assembles a Hugging Face BertForSequenceClassification directory from the all-MiniLM-L6-v2 backbone and a
committed delta (models/<name>/: delta.safetensors + config.json), as written by Tools/training/train_sentiment.py.

    python3 scripts/assemble_model.py --backbone MINILM_DIR --delta models/sentiment --out $DATA_DIR/models/sentiment

The delta holds full replacement tensors (LayerNorms, biases, pooler, classifier, fully trained layers) and LoRA
pairs `<w>.lora_B` (already scaled) / `<w>.lora_A`, merged as W + B @ A. Output tensors are float32. Needs only
numpy (no torch); the result is a normal directory that the Swift engine (or transformers) loads.
Writes into a temporary directory and renames it into place, so an interrupted run never leaves a half model.
"""
import argparse, hashlib, json, os, shutil, struct, sys, tempfile
from pathlib import Path

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None, "I64": np.int64, "F64": np.float64, "I32": np.int32}


def read_safetensors(path):
    data = Path(path).read_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        raw = data[base + start:base + end]
        if info["dtype"] == "BF16":
            arr = (np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=DTYPES[info["dtype"]])
        out[name] = arr.reshape(info["shape"])
    return out, meta


def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name])
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[arr.dtype]
        b = arr.tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backbone", required=True)
    ap.add_argument("--delta", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    backbone, delta_dir, out = Path(a.backbone), Path(a.delta), Path(a.out)

    base, _ = read_safetensors(backbone / "model.safetensors")
    delta, meta = read_safetensors(delta_dir / "delta.safetensors")
    want = meta.get("backbone_sha256")
    if want:
        have = hashlib.sha256((backbone / "model.safetensors").read_bytes()).hexdigest()
        if have != want:
            sys.exit(f"assemble_model: backbone {backbone} has sha256 {have}, the delta was trained on {want}")

    tensors = {}
    for name, arr in base.items():
        if name == "embeddings.position_ids":
            continue
        tensors["bert." + name] = arr.astype(np.float32)
    for name, arr in delta.items():
        if name.endswith(".lora_A"):
            continue
        if name.endswith(".lora_B"):
            w = name[: -len(".lora_B")]
            a_ = delta[w + ".lora_A"].astype(np.float32)
            key = "bert." + w
            tensors[key] = tensors[key] + arr.astype(np.float32) @ a_
            continue
        key = name if name.startswith("classifier.") else "bert." + name
        tensors[key] = arr.astype(np.float32)

    config = json.loads((delta_dir / "config.json").read_text())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        write_safetensors(tmp / "model.safetensors", tensors, {"format": "pt"})
        (tmp / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        for f in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
            if (backbone / f).exists():
                shutil.copyfile(backbone / f, tmp / f)
        stamp = hashlib.sha256((delta_dir / "delta.safetensors").read_bytes()).hexdigest()
        (tmp / "ASSEMBLED_FROM").write_text(stamp + "\n")
        os.chmod(tmp, 0o755)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print(f"assemble_model: wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
