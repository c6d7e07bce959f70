"""The starting model of a stage: any Hugging Face causal LM folder, or codev's tiny offline Llama.

`path: tiny` builds the tiny model once per output folder, its tokenizer fitted on the stage's own data, so
CI and the CPU benchmark need no download.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable

from codev.llm.tiny import build_tiny_model

from .config import ConfigError, ModelSettings


def resolve_model_path(settings: ModelSettings, output_dir: str, texts: Iterable[str]) -> str:
    """A local model folder; `tiny` is built under OUTPUT_DIR/base-model on first use."""
    if settings.path != "tiny":
        if not Path(settings.path).exists() and "/" not in settings.path:
            raise ConfigError(f"model {settings.path}: no such folder")
        return settings.path
    out = Path(output_dir) / "base-model"
    if not (out / "config.json").is_file():
        build_tiny_model(out, texts, vocab_size=settings.tiny_vocab, hidden_size=settings.tiny_hidden,
                         num_layers=settings.tiny_layers)
    return str(out)


def load_tokenizer(path: str):
    """Left padding and a pad token distinct from EOS, as GRPO generation needs."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path)
    tok.padding_side = "left"
    if tok.pad_token is None or tok.pad_token_id == tok.eos_token_id:
        tok.add_special_tokens({"pad_token": "<|pad|>"})
    return tok


def lora_config(settings: ModelSettings):
    """A peft LoraConfig when the recipe asks for LoRA, else None (full fine-tuning)."""
    if not settings.lora:
        return None
    from peft import LoraConfig

    return LoraConfig(r=settings.lora_r, lora_alpha=settings.lora_alpha, lora_dropout=settings.lora_dropout,
                      target_modules=list(settings.lora_targets), task_type="CAUSAL_LM")


class _TiedHeadFilter(logging.Filter):
    """Drops transformers' "missing keys ... ['lm_head.weight']" warning on resuming from a checkpoint.

    Models with tied embeddings (codev's tiny Llama, Qwen2.5 <= 3B) store one copy of the shared matrix:
    safetensors keeps `model.embed_tokens.weight` and omits `lm_head.weight`. Trainer reloads a checkpoint with
    strict=False into a model whose lm_head IS embed_tokens (the same Parameter), so the head is restored with
    the embeddings and the "missing" key is not missing. Any other missing key is still reported.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "missing keys in the checkpoint model loaded: ['lm_head.weight']" not in record.getMessage()


def quiet_tied_head_warning() -> None:
    """Install the filter once on transformers' Trainer logger (idempotent)."""
    logger = logging.getLogger("transformers.trainer")
    if not any(isinstance(f, _TiedHeadFilter) for f in logger.filters):
        logger.addFilter(_TiedHeadFilter())
