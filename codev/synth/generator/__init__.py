"""Correct-by-construction problem generator: parametrised families, each item verified by the checker.

Public API (training uses it for data and held-out evaluation):
- `GeneratorConfig`: the one config object (YAML: configs/generator.yaml)
- `generate(config, out_dir)`: fill a directory with N verified RL + SFT items, resumable
- `candidate(config, index)`: the index-th unverified `Design` of a config (pure function of the seed)
- `FAMILIES`: family name -> family (`sample(rng, level)` then `build(params, level)` gives a `Design`)
- `verify(designs)`: the golden of each design against its independent second rendering
- `rows(design, meta)`: a design as `RLItem` and `SFTItem` (codev.synth.records)
"""
from .config import GeneratorConfig
from .design import MAX_LEVEL, Design, Family, PortDoc, ResetStyle
from .families import FAMILIES
from .rows import dedup_key, item_id, rows
from .run import CheckUnavailable, candidate, generate
from .spec import answer, reasoning, user_prompt
from .store import Attempt, ItemStore, StoreMismatch
from .verify import FormalUnavailable, Verification, verify

__all__ = ["GeneratorConfig", "generate", "candidate", "FAMILIES", "MAX_LEVEL", "Design", "Family", "PortDoc",
           "ResetStyle", "verify", "Verification", "rows", "dedup_key", "item_id", "user_prompt", "reasoning",
           "answer", "Attempt", "ItemStore", "StoreMismatch", "FormalUnavailable", "CheckUnavailable"]
