"""The records every benchmark flavour produces and every later stage reads: a benchmark's registry
entry (`BenchmarkSpec`) and one problem of it (`Problem`).

They sit apart from the registry (benchmarks.py) and the flavours (flavours/) because both import them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cvdp_format import CvdpTask


@dataclass(frozen=True)
class BenchmarkSpec:
    """One row of the benchmark registry (data/benchmarks.yaml, or a bench root's own benchmarks.yaml)."""

    name: str
    folder: str  # under the bench root
    rule: str  # which flavour (format and official pass rule) reads and scores it: a key of flavours.FLAVOURS
    variant: str  # v1: Human/Machine; v2: dataset task; rtllm: ""
    optional: bool = False  # fetched on its own (`codev bench fetch cvdp`): not part of "all"


@dataclass(frozen=True)
class Problem:
    """One benchmark problem, with everything needed to prompt for it and to score an answer."""

    id: str  # the benchmark's own task id (task_id / ProbNNN_name / design folder name)
    benchmark: str  # key of the benchmark registry
    prompt: str  # the task as the benchmark words it (description, prompt.txt, design_description.txt)
    header: str  # interface an answer completes (v1 prompt, v2 code-complete _ifc.txt); "" when none
    reference: str  # the benchmark's reference, its top renamed to `top`
    testbench: str  # testbench source
    rule: str  # the flavour that scores it (BenchmarkSpec.rule)
    category: str
    top: str  # module name the testbench instantiates
    support: str = ""  # extra source compiled with every answer (VerilogEval v2 `_ref.sv`)
    data_dir: Path | None = None  # RTLLM: design folder, the simulation's working directory
    task_variant: str = ""  # VerilogEval v2 task name (selects the official prompt template)
    cvdp: CvdpTask | None = None  # CVDP: the datapoint (context files, harness, outputs)
    skip: str = ""  # why it is listed but not scored (CVDP: agentic, commercial tools, ...)

    @property
    def key(self) -> tuple[str, str]:
        return (self.benchmark, self.id)


class BenchmarkError(Exception):
    """The benchmark folder is missing or does not have the upstream layout."""
