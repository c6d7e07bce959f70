"""Distillation: TRL's SFTTrainer on conversational prompt/completion rows (loss on the assistant turn only)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from transformers.trainer_utils import get_last_checkpoint

from .config import ModelSettings, SFTSettings, trainer_kwargs
from .data import load_sft
from .metrics import JsonlMetrics
from .model import load_tokenizer, lora_config, quiet_tied_head_warning, resolve_model_path


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TruncationStats:
    """How many SFT rows exceed max_length (TRL cuts them silently: a cut row never teaches the answer's end)."""
    rows: int
    truncated: int
    longest: int
    max_length: int

    @property
    def share(self) -> float:
        return self.truncated / max(1, self.rows)

    def message(self) -> str:
        return (f"{self.truncated} of {self.rows} SFT rows ({100 * self.share:.0f}%) are longer than "
                f"sft.max_length={self.max_length} tokens (longest {self.longest}) and will be cut: "
                f"raise max_length or shorten the data")


def truncation_stats(dataset, tokenizer, max_length: int) -> TruncationStats:
    """Token length of each row as SFTTrainer tokenizes it (chat template over prompt + completion)."""
    texts = [tokenizer.apply_chat_template(row["prompt"] + row["completion"], tokenize=False) for row in dataset]
    lengths = [len(tokenizer(text, add_special_tokens=False)["input_ids"]) for text in texts]
    return TruncationStats(len(lengths), sum(n > max_length for n in lengths), max(lengths, default=0), max_length)


class WallClockLimit:
    """Stops training once `seconds` of wall time have passed since it began (a compute-matched control:
    the same model trained further for as long as RL ran). Built lazily so the module imports without TRL."""

    def __new__(cls, seconds: float):
        import time

        from transformers import TrainerCallback

        class _Limit(TrainerCallback):
            def on_train_begin(self, args, state, control, **kwargs):
                self.start = time.perf_counter()

            def on_step_end(self, args, state, control, **kwargs):
                if time.perf_counter() - self.start >= seconds:
                    control.should_training_stop = True
                    control.should_save = True

        return _Limit()


def _texts(dataset) -> list[str]:
    return [m["content"] for row in dataset for m in row["prompt"] + row["completion"]]


def sft_config(settings: SFTSettings, model: ModelSettings, report_to: list[str]):
    from trl import SFTConfig

    return SFTConfig(
        max_steps=settings.max_steps,
        num_train_epochs=settings.epochs,
        learning_rate=settings.learning_rate,
        per_device_train_batch_size=settings.batch_size,
        gradient_accumulation_steps=settings.grad_accum,
        max_length=settings.max_length,
        packing=settings.packing,
        completion_only_loss=True,
        lr_scheduler_type=settings.lr_scheduler,
        warmup_steps=settings.warmup_ratio,  # a float < 1 is a fraction of the steps
        **trainer_kwargs(settings, model, settings.output_dir, report_to),
    )


def run_sft(settings: SFTSettings, model: ModelSettings, resume: bool = True,
            report_to: tuple[str, ...] = ("tensorboard",)) -> str:
    """Train and save the final model to OUTPUT_DIR/final; resumes from the last checkpoint when present."""
    from trl import SFTTrainer

    dataset = load_sft(settings.data)
    model_path = resolve_model_path(model, settings.output_dir, _texts(dataset))
    tokenizer = load_tokenizer(model_path)
    tokenizer.padding_side = "right"  # training batches; generation later re-reads it as left
    stats = truncation_stats(dataset, tokenizer, settings.max_length)
    if stats.share > settings.max_truncated_share:
        log.warning("sft: %s (more than sft.max_truncated_share=%.2f)", stats.message(), settings.max_truncated_share)
    data_record = {"rows": stats.rows, "truncated_rows": stats.truncated, "truncated_share": stats.share,
                   "longest_tokens": stats.longest, "max_length": stats.max_length,
                   "max_truncated_share": settings.max_truncated_share}
    trainer = SFTTrainer(
        model=model_path,
        args=sft_config(settings, model, list(report_to)),
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=lora_config(model),
        callbacks=[JsonlMetrics(settings.output_dir, "sft", data_record)]
        + ([WallClockLimit(settings.max_seconds)] if settings.max_seconds > 0 else []),
    )
    last = get_last_checkpoint(settings.output_dir) if resume and Path(settings.output_dir).is_dir() else None
    quiet_tied_head_warning()
    trainer.train(resume_from_checkpoint=last)
    final = Path(settings.output_dir) / "final"
    if model.lora:  # RL and eval load a plain model: fold the adapter in
        if trainer.accelerator.is_main_process:
            trainer.accelerator.unwrap_model(trainer.model).merge_and_unload().save_pretrained(str(final))
    else:
        trainer.save_model(str(final))
    if trainer.accelerator.is_main_process:
        tokenizer.padding_side = "left"
        tokenizer.save_pretrained(str(final))
    return str(final)
