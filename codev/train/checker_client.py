"""The checker as the RL run sees it: codev's one checker handle (`codev.synth.checking.Checker`, a warm
`testbench_gen.CheckerPool`, or with `ray` (reward.ray: a cluster ADDRESS, or "local") a `RayCheckerPool` with
golden affinity across nodes) holding the reward's options and deadline, for the whole run.

Warm workers keep each golden's trace where it was simulated, so the G answers to a prompt, and the later
rounds that draw the same prompt, do not re-simulate the golden (both pools route by the golden's content).
"""
from __future__ import annotations

from codev.synth.checking import Checker
from testbench_gen import CheckOptions


class RewardChecker(Checker):
    """`with RewardChecker(options, workers, deadline) as c: c.check_many([(golden, candidates), ...])`: verdicts
    per pair, in input order. Its workers start on entry, so the first training step does not pay for them.

    `deadline` (seconds per call, None: none) turns what is still unchecked into `timeout` verdicts, which
    the reward masks: a slow checker call never stalls a training step indefinitely.
    """

    def __init__(self, options: CheckOptions, workers: int = 0, deadline: float | None = None,
                 ray: str | None = None):
        super().__init__(workers or None, ray=ray, options=options, deadline=deadline, affinity=True)

    def __enter__(self) -> "RewardChecker":
        self.start()
        return self
