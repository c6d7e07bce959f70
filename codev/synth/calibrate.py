"""Levels calibrated by a model's measured pass rate: what a generator level means for a given model.

A generator level is a guess made when the family was written (more states, wider words, more
operations); whether level 3 is harder than level 2 for the model RL starts from is a measurement.
The difficulty filter already samples that model k times per generator item and checks every answer
(`difficulty.DifficultyFilter`, the same filter round-trip items pass); this module reads its records
back and aggregates them per family and level: samples, passes, unchecked answers, the pass rate, and
per level the band the families' pass rates span. `monotone` says whether the pass rate falls as the
level rises, i.e. whether the levels order difficulty for this model at all.

The result is written as YAML (`calibration.yaml`: by `codev synth run` when generator items are
difficulty-filtered, and by `codev synth calibrate` on any generator output), and every RL row of a
generator item carries its cell's measured pass rate (`meta.level_pass_rate`) beside its own passes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml


@dataclass
class Cell:
    """One family at one level: what the model did on its items."""
    family: str
    level: int
    items: int = 0
    samples: int = 0
    passes: int = 0
    unchecked: int = 0  # answers the checker could not decide (timeout, infra_error): out of the rate

    @property
    def pass_rate(self) -> float | None:
        checked = self.samples - self.unchecked
        return self.passes / checked if checked > 0 else None

    def to_json(self) -> dict:
        rate = self.pass_rate
        return {"items": self.items, "samples": self.samples, "passes": self.passes, "unchecked": self.unchecked,
                "pass_rate": None if rate is None else round(rate, 4)}


@dataclass
class Calibration:
    model: str
    k: int
    cells: dict[tuple[str, int], Cell] = field(default_factory=dict)

    def level(self, level: int) -> dict:
        """All families at one level: totals, the pooled pass rate and the band of the families' rates."""
        mine = [c for (_, lvl), c in sorted(self.cells.items()) if lvl == level]
        total = Cell("*", level, *(sum(getattr(c, f) for c in mine) for f in ("items", "samples", "passes",
                                                                            "unchecked")))
        rates = [c.pass_rate for c in mine if c.pass_rate is not None]
        return {**total.to_json(), "band": [round(min(rates), 4), round(max(rates), 4)] if rates else None}

    def levels(self) -> list[int]:
        return sorted({lvl for _, lvl in self.cells})

    @property
    def monotone(self) -> bool:
        """The pooled pass rate never rises from one measured level to the next."""
        rates = [self.level(lvl)["pass_rate"] for lvl in self.levels()]
        rates = [r for r in rates if r is not None]
        return all(a >= b for a, b in zip(rates, rates[1:]))

    def rate_of(self, family: str, level: int) -> float | None:
        cell = self.cells.get((family, level))
        return None if cell is None else cell.pass_rate

    def rate_of_item(self, item) -> float | None:
        """The measured pass rate of a generator item's family and level (an Item whose data holds its meta)."""
        key = cell_of(item.data.get("meta", {}))
        return self.rate_of(*key)

    def to_json(self) -> dict:
        families: dict[str, dict] = {}
        for (family, level), cell in sorted(self.cells.items()):
            families.setdefault(family, {})[level] = cell.to_json()
        return {"model": self.model, "k": self.k, "monotone": self.monotone,
                "levels": {lvl: self.level(lvl) for lvl in self.levels()}, "families": families}

    def describe(self) -> str:
        """One line for the run report: passes/samples per family and level, then per level."""
        cells = ", ".join(f"{f} L{lvl} {c.passes}/{c.samples - c.unchecked}" for (f, lvl), c in
                          sorted(self.cells.items()))
        levels = ", ".join(f"L{lvl} {self.level(lvl)['pass_rate']}" for lvl in self.levels())
        return f"{cells or 'no items'}; pass rate per level: {levels or '-'} (monotone: {self.monotone})"


def cell_of(meta: dict) -> tuple[str, int]:
    """A generator item's (family, level), from its RL row's meta."""
    return str(meta.get("family", "?")), int(meta.get("level", 0))


def measure(records: Iterable[dict], model: str, k: int) -> Calibration:
    """Aggregate difficulty-filter records (a StageFile's rows; kept and dropped alike, since a `too_easy`
    item is exactly what the rate measures). Items without samples (no_spec, llm_error) are skipped."""
    calibration = Calibration(model, k)
    for record in records:
        data = record["item"]["data"]
        if "k" not in data:
            continue
        key = cell_of(data.get("meta", {}))
        cell = calibration.cells.setdefault(key, Cell(*key))
        cell.items += 1
        cell.samples += int(data["k"])
        cell.passes += int(data.get("passes", 0))
        cell.unchecked += int(data.get("unchecked", 0))
    return calibration


def write(calibration: Calibration, path: Path) -> None:
    header = ("# Generator levels calibrated by a model's measured pass rate (codev.synth.calibrate):\n"
              "# pass_rate = passes / (samples - unchecked); band = the families' pass rates at that level.\n")
    tmp = Path(path).with_suffix(".tmp")
    tmp.write_text(header + yaml.safe_dump(calibration.to_json(), sort_keys=False), encoding="utf-8")
    tmp.replace(path)
