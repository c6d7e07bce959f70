"""One nested configuration: YAML sections reach the strategy's and formal's knobs."""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, FormalOptions, StrategyOptions


def test_yaml_sections_fill_flat_and_nested_fields(tmp_path):
    path = tmp_path / "verify.yaml"
    path.write_text("checker:\n  backend: hybrid\n  stimulus: {cycles: 300, seed: 7}\n"
                    "  limits: {timeout: 9, batch_size: 4}\n  strategy: {hybrid_budget: 5}\n"
                    "  formal: {bound: 12, replay: false}\n")
    options = CheckOptions.from_yaml(path)
    assert (options.backend, options.cycles, options.seed, options.timeout, options.batch_size) == \
        ("hybrid", 300, 7, 9, 4)
    assert options.strategy == StrategyOptions(hybrid_budget=5)
    assert options.formal == FormalOptions(bound=12, replay=False)


@pytest.mark.parametrize("values, named", [
    ({"cycels": 3}, "cycels"),
    ({"stimulus": {"timeout": 3}}, "timeout"),
    ({"formal": {"depth": 3}}, "depth"),
    ({"strategy": 3}, "strategy"),
])
def test_unknown_or_misplaced_keys_are_named(values, named):
    with pytest.raises(ValueError, match=named):
        CheckOptions.from_mapping(values, source="r.yaml")
