"""Batched sampling from a local Hugging Face causal LM (a checkpoint folder; nothing is downloaded).

The model is loaded once per backend object and reused for every `complete` call of a run.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .backend import BackendError, ChatRequest, OnError, OnResult, Usage


class LocalModelError(BackendError):
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


class LocalModelBackend:
    name = "hf"

    def __init__(self, config: LocalModelConfig):
        self.config = config
        self.usage = Usage()
        self._loaded = None

    def model(self):
        if self._loaded is None:
            import torch

            self._loaded = load(self.config)
            torch.manual_seed(self.config.seed)
        return self._loaded

    def complete(self, requests: Sequence[ChatRequest], on_result: OnResult, on_error: OnError | None = None) -> None:
        """One response per request, `batch_size` prompts per forward pass (similar lengths together)."""
        if not requests:
            return
        import torch

        tokenizer, model, device = self.model()
        config = self.config
        texts = [render_chat(tokenizer, r.messages) for r in requests]
        order = sorted(range(len(requests)), key=lambda i: len(texts[i]))  # less padding per batch
        sample = config.temperature > 0
        for start in range(0, len(order), config.batch_size):
            batch = order[start : start + config.batch_size]
            enc = tokenizer([texts[i] for i in batch], return_tensors="pt", padding=True,
                            add_special_tokens=False).to(device)
            kwargs = {"do_sample": sample, "max_new_tokens": config.max_tokens, "pad_token_id": tokenizer.pad_token_id}
            if sample:
                kwargs.update(temperature=config.temperature, top_p=config.top_p)
            with torch.no_grad():
                out = model.generate(**enc, **kwargs)
            prompt_len = enc["input_ids"].shape[1]
            new_tokens = out[:, prompt_len:]
            for i, row in zip(batch, new_tokens):
                completion = int((row != tokenizer.pad_token_id).sum())
                prompt = int(enc["attention_mask"][batch.index(i)].sum())
                self.usage.add(requests=1, prompt_tokens=prompt, completion_tokens=completion)
                on_result(requests[i], tokenizer.decode(row, skip_special_tokens=True))
