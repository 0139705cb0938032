#!/usr/bin/python3
"""Builds the tiny text-generation model the persona writer tests load through
@huggingface/transformers: tests/personas_fixtures/tiny-generator/, laid out like a hub repo
(config.json, generation_config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx and
onnx/model_quantized.onnx).

The model is GPT-2 shaped on the outside (model_type "gpt2", inputs input_ids and
attention_mask, output logits) and a bigram table on the inside: the logits of the next token are
one row of a fixed matrix picked by the current token. Whatever the prompt, greedy decoding
therefore writes the planted sentence below and then the end token, so tests can check the exact
text that the real loading and generation code returns. It keeps no past key values, so every
step reads only the newest token, which is all a bigram table needs.

Run with Debian's onnx and numpy: /usr/bin/python3 tests/personas_tiny_generator.py
"""

import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "personas_fixtures", "tiny-generator")
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SENTENCE = "a tiny model wrote this persona summary for the test .".split()
EXTRA = ["customers", "segment", "description", ":", ","]


def vocabulary():
    words = []
    for w in SENTENCE + EXTRA:
        if w not in words:
            words.append(w)
    return SPECIAL + words


def bigram_logits(vocab):
    index = {t: i for i, t in enumerate(vocab)}
    v = len(vocab)
    w = np.full((v, v), -10.0, dtype=np.float32)
    # Any token not in the sentence starts it; each word of the sentence leads to the next; the
    # last word leads to [SEP], the end token.
    w[:, index[SENTENCE[0]]] = 10.0
    chain = SENTENCE + ["[SEP]"]
    for a, b in zip(chain, chain[1:]):
        w[index[a], :] = -10.0
        w[index[a], index[b]] = 10.0
    return w


def model(vocab):
    table = numpy_helper.from_array(bigram_logits(vocab), name="bigram")
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "sequence_length"])
    logits = helper.make_tensor_value_info(
        "logits", TensorProto.FLOAT, ["batch_size", "sequence_length", len(vocab)]
    )
    # The mask is read (times zero) so that the graph has no unused input.
    nodes = [
        helper.make_node("Gather", ["bigram", "input_ids"], ["raw"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("ReduceSum", ["mask_f"], ["mask_sum"], keepdims=0),
        helper.make_node("Mul", ["mask_sum", "zero"], ["nothing"]),
        helper.make_node("Add", ["raw", "nothing"], ["logits"]),
    ]
    zero = numpy_helper.from_array(np.zeros((), dtype=np.float32), name="zero")
    graph = helper.make_graph(nodes, "tiny_generator", [ids, mask], [logits], [table, zero])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="personae")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def tokenizer(vocab):
    special = [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i, t in enumerate(SPECIAL)
    ]
    cls, sep = {"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": special,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [cls, {"Sequence": {"id": "A", "type_id": 0}}, sep],
            "pair": [cls, {"Sequence": {"id": "A", "type_id": 0}}, sep,
                     {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}},
    }


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main():
    vocab = vocabulary()
    os.makedirs(os.path.join(OUT, "onnx"), exist_ok=True)
    m = model(vocab)
    for name in ["model.onnx", "model_quantized.onnx"]:
        onnx.save(m, os.path.join(OUT, "onnx", name))
    write_json(os.path.join(OUT, "config.json"), {
        "model_type": "gpt2",
        "architectures": ["GPT2LMHeadModel"],
        "vocab_size": len(vocab),
        "n_positions": 512,
        "n_embd": len(vocab),
        "n_layer": 1,
        "n_head": 1,
        "bos_token_id": 2,
        "eos_token_id": 3,
        "pad_token_id": 0,
    })
    write_json(os.path.join(OUT, "generation_config.json"),
               {"bos_token_id": 2, "eos_token_id": 3, "pad_token_id": 0})
    write_json(os.path.join(OUT, "tokenizer.json"), tokenizer(vocab))
    write_json(os.path.join(OUT, "tokenizer_config.json"), {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "tokenize_chinese_chars": True,
        "model_max_length": 512,
        "clean_up_tokenization_spaces": True,
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "mask_token": "[MASK]",
    })
    print(f"wrote {OUT} ({len(vocab)} tokens)")


if __name__ == "__main__":
    main()
