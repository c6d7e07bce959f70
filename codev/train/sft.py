"""Distillation: TRL's SFTTrainer on conversational prompt/completion rows (loss on the assistant turn only)."""
from __future__ import annotations

from pathlib import Path

from transformers.trainer_utils import get_last_checkpoint

from .config import ModelSettings, SFTSettings, trainer_kwargs
from .data import load_sft
from .metrics import JsonlMetrics
from .model import load_tokenizer, lora_config, resolve_model_path


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
    trainer = SFTTrainer(
        model=model_path,
        args=sft_config(settings, model, list(report_to)),
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=lora_config(model),
        callbacks=[JsonlMetrics(settings.output_dir, "sft")],
    )
    last = get_last_checkpoint(settings.output_dir) if resume and Path(settings.output_dir).is_dir() else None
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
