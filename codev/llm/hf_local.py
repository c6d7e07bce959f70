"""Batched sampling from a local Hugging Face causal LM (a checkpoint folder; nothing is downloaded)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .openai_client import ChatRequest


class LocalModelError(Exception):
    """The model folder cannot be loaded."""


@dataclass(frozen=True)
class LocalModelConfig:
    path: str
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 2048
    batch_size: int = 8
    seed: int = 0
    device: str | None = None  # default: cuda when available


def render_chat(tokenizer, messages: list[dict[str, str]]) -> str:
    """The model's own chat template when it has one, else plain text turns."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return "".join(m["content"].rstrip() + "\n\n" for m in messages)


def load(config: LocalModelConfig):
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device = config.device or ("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    major, minor = (int(x) for x in transformers.__version__.split(".")[:2])
    dtype_kw = "dtype" if (major, minor) >= (4, 56) else "torch_dtype"  # renamed in transformers 4.56
    try:
        tokenizer = AutoTokenizer.from_pretrained(config.path, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(config.path, local_files_only=True, **{dtype_kw: dtype})
    except (OSError, ValueError) as exc:
        raise LocalModelError(f"{config.path}: cannot load model: {exc}") from None
    tokenizer.padding_side = "left"  # generation continues at the right edge of every row
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer, model.to(device).eval(), device


def generate_all(
    config: LocalModelConfig, requests: Sequence[ChatRequest], on_result: Callable[[ChatRequest, str], None]
) -> None:
    """Sample one response per request, `batch_size` prompts per forward pass."""
    if not requests:
        return
    import torch

    tokenizer, model, device = load(config)
    torch.manual_seed(config.seed)
    texts = [render_chat(tokenizer, r.messages) for r in requests]
    # similar lengths together: less padding per batch
    order = sorted(range(len(requests)), key=lambda i: len(texts[i]))
    sample = config.temperature > 0
    for start in range(0, len(order), config.batch_size):
        batch = order[start : start + config.batch_size]
        enc = tokenizer([texts[i] for i in batch], return_tensors="pt", padding=True, add_special_tokens=False).to(device)
        kwargs = {"do_sample": sample, "max_new_tokens": config.max_tokens, "pad_token_id": tokenizer.pad_token_id}
        if sample:
            kwargs.update(temperature=config.temperature, top_p=config.top_p)
        with torch.no_grad():
            out = model.generate(**enc, **kwargs)
        new_tokens = out[:, enc["input_ids"].shape[1] :]
        for i, row in zip(batch, new_tokens):
            on_result(requests[i], tokenizer.decode(row, skip_special_tokens=True))
