#!/usr/bin/env python3
"""Runs an RLHF Playground checkpoint with numpy alone: one greedy answer to one question.

Reads CHECKPOINT/model.safetensors, config.json and vocab.json (docs/checkpoint.md), the image
as a .npy file ([imageSize, imageSize, 3] float32 in [0, 1]; `npm run cli -- logits` writes one),
and prints JSON: the prompt's token ids, the answer's token ids and text, and the logits [V] of
every step. The arithmetic is float32, as in the engine.

    python3 scripts/checkpoint_logits.py models/sft --image out/image.npy \\
        --question "is there a red circle ?" --tokens 16 --out out/numpy.json
"""
import argparse
import json
import struct
import sys

import numpy as np


def load_safetensors(path):
    """Returns {name: float32 array} and the metadata of a safetensors file of F32 tensors."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}, this script reads F32 only")
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=8 + n + begin).reshape(info["shape"])
    return tensors, metadata


def layer_norm(x, g, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)  # biased variance
    return (x - mean) / np.sqrt(var + np.float32(eps)) * g + b


def gelu(x, scale):
    with np.errstate(over="ignore"):  # exp overflows to inf for very negative x; 1 / inf is 0
        return x / (np.float32(1) + np.exp(-np.float32(scale) * x))


class Checkpoint:
    def __init__(self, folder):
        self.w, _ = load_safetensors(f"{folder}/model.safetensors")
        with open(f"{folder}/config.json") as f:
            self.cfg = json.load(f)
        with open(f"{folder}/vocab.json") as f:
            self.vocab = json.load(f)
        self.ids = {t: i for i, t in enumerate(self.vocab["tokens"])}

    def encode(self, text):
        return [self.ids.get(word, self.vocab["special"]["unk"]) for word in text.split()]

    def image_tokens(self, image):
        """[S, S, 3] pixels in [0, 1] -> [grid², dModel] image tokens in the decoder's space."""
        c, w = self.cfg, self.w
        g, p = c["grid"], c["patchSize"]
        x = (image.astype(np.float32) - np.float32(c["pixelShift"])).reshape(g, p, g, p, 3)  # [gy, py, gx, px, 3]
        x = x.transpose(0, 2, 1, 3, 4).reshape(g * g, p * p * 3)  # [9, P]: cell row by row, its pixels row by row
        h = gelu(x @ w["vision/patch/w1"] + w["vision/patch/b1"], c["geluSigmoidScale"])  # [9, Hv]
        t = h @ w["vision/patch/w2"] + w["vision/patch/b2"] + w["vision/pos"]  # [9, Dv]
        t = layer_norm(t, w["vision/ln/g"], w["vision/ln/b"], c["layerNormEps"])
        return t @ w["proj/w"] + w["proj/b"]  # [9, D]

    def block(self, i, x):
        """One pre-LayerNorm block over the whole sequence x [T, D] with a causal mask."""
        c, w, p = self.cfg, self.w, f"block{i}/"
        t, d = x.shape
        nh, dh = c["nHeads"], c["headDim"]
        h = layer_norm(x, w[p + "ln1/g"], w[p + "ln1/b"], c["layerNormEps"])
        qkv = h @ w[p + "attn/wqkv"] + w[p + "attn/bqkv"]  # [T, 3D]: q, then k, then v
        q, k, v = (z.reshape(t, nh, dh).transpose(1, 0, 2) for z in np.split(qkv, 3, axis=-1))  # [H, T, dh]
        causal = np.triu(np.ones((t, t), dtype=bool), 1)  # key after query
        scores = q @ k.transpose(0, 2, 1) * np.float32(1 / np.sqrt(dh)) + np.where(causal, np.float32(c["attentionMask"]), np.float32(0))
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        weights = scores / scores.sum(-1, keepdims=True)  # [H, T, T]
        y = (weights @ v).transpose(1, 0, 2).reshape(t, d)  # [T, D]
        x = x + y @ w[p + "attn/wo"] + w[p + "attn/bo"]
        h = layer_norm(x, w[p + "ln2/g"], w[p + "ln2/b"], c["layerNormEps"])
        return x + gelu(h @ w[p + "mlp/w1"] + w[p + "mlp/b1"], c["geluSigmoidScale"]) @ w[p + "mlp/w2"] + w[p + "mlp/b2"]

    def next_logits(self, prompt, image, answer):
        """Logits [V] of the token after [prompt][image tokens][answer so far]."""
        c, w = self.cfg, self.w
        emb, pos = w["tok/emb"], w["pos/emb"]
        # Text positions count the text tokens only; the image tokens carry the vision encoder's.
        text = emb[prompt + answer] + pos[np.arange(len(prompt) + len(answer))]  # [Lp + R, D]
        x = np.concatenate([text[: len(prompt)], image, text[len(prompt) :]])  # [Lp + 9 + R, D]
        for i in range(c["nLayers"]):
            x = self.block(i, x)
        last = layer_norm(x[-1], w["lnf/g"], w["lnf/b"], c["layerNormEps"])  # [D]
        logits = last @ emb.T  # [V]: the LM head is the token embedding
        logits[c["padId"]] += np.float32(c["padLogit"])
        return logits

    def greedy(self, image, question, max_tokens):
        s = self.vocab["special"]
        prompt = [s["bos"]] + self.encode(question) + [s["sep"]]
        img = self.image_tokens(image)
        answer, steps = [], []
        for _ in range(min(max_tokens, self.cfg["maxLen"] - len(prompt))):
            logits = self.next_logits(prompt, img, answer)
            steps.append(logits)
            answer.append(int(np.argmax(logits)))  # the lowest id wins a tie
            if answer[-1] == s["eos"]:
                break
        return prompt, answer, steps


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint", help="folder holding model.safetensors, config.json and vocab.json")
    ap.add_argument("--image", required=True, help=".npy file, [imageSize, imageSize, 3] float32 in [0, 1]")
    ap.add_argument("--question", required=True, help='the question, e.g. "is there a red circle ?"')
    ap.add_argument("--tokens", type=int, default=16, help="most tokens to answer; it stops after <eos> (default 16)")
    ap.add_argument("--out", help="write the JSON here instead of printing it")
    args = ap.parse_args()

    ck = Checkpoint(args.checkpoint)
    image = np.load(args.image)
    s = ck.cfg["imageSize"]
    if image.shape != (s, s, 3):
        sys.exit(f"{args.image}: the image is {list(image.shape)}, the checkpoint reads [{s}, {s}, 3]")
    prompt, answer, steps = ck.greedy(image, args.question, args.tokens)
    eos = ck.vocab["special"]["eos"]
    text = " ".join(ck.vocab["tokens"][t] for t in (answer[: answer.index(eos)] if eos in answer else answer))
    result = {"question": args.question, "prompt": prompt, "tokens": answer, "answer": text, "logits": [l.tolist() for l in steps]}
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f)
            f.write("\n")
    else:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
