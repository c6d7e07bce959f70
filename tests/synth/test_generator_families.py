"""Every family's items verify (Icarus; formal too for combinational ones) and a broken rendering is caught."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from codev.synth.generator import FAMILIES, MAX_LEVEL, verify
from codev.synth.generator.rows import rows
from codev.synth.generator.spec import reasoning, user_prompt
from testbench_gen import CheckOptions, check, infer_interface
from testbench_gen.design.mutants import mutants

OPTIONS = CheckOptions(cycles=600)


def designs(name: str, count: int = 3):
    family = FAMILIES[name]
    levels = [1 + (i * (MAX_LEVEL - 1)) // max(1, count - 1) for i in range(count)]  # lowest .. highest
    return [family.build(family.sample(random.Random(f"{name}/{i}"), level), level)
            for i, level in enumerate(levels)]


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_family_items_verify_against_their_second_rendering(name):
    batch = designs(name)
    results = verify(batch, OPTIONS, formal=True, workers=2)
    for design, result in zip(batch, results):
        assert result.ok, (design.params, result.reason)
        expected = ("icarus", "icarus+formal") if design.combinational else ("icarus",)
        assert result.backends == expected
        assert design.golden != design.alternate
        prompt, thoughts = user_prompt(design), reasoning(design)
        for port in design.ports:
            assert f"`{port.name}`" in prompt and f"{port.name} (" in thoughts
        if not design.combinational:
            assert "`clk`" in prompt and design.reset and f"`{design.reset.name}`" in prompt
        rl, sft = rows(design, {})
        assert rl.interface and sft.messages[-1]["role"] == "assistant"


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_a_mutated_golden_is_caught(name):
    design = designs(name, 1)[0]
    # a one-operator golden (`assign p = a * b;`) has nothing the mutator changes: mutate the second rendering
    broken = [m.source for m in mutants(design.golden, limit=6, seed=1)] or \
        [m.source for m in mutants(design.alternate, limit=6, seed=1)]
    verdicts = check(design.golden, broken, OPTIONS)
    assert any(v.kind.value == "mismatch" for v in verdicts), [v.reason for v in verdicts]
    caught = next(src for src, v in zip(broken, verdicts) if v.kind.value == "mismatch")
    result = verify([replace(design, alternate=caught)], OPTIONS, formal=False, workers=1)[0]
    assert not result.ok and result.reason.startswith("mismatch")


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_every_level_renders_the_interface_the_spec_states(name):
    """Cheap (no simulation): clocks and resets the checker infers are the ones the spec names."""
    family = FAMILIES[name]
    for level in range(1, MAX_LEVEL + 1):
        for seed in range(3):
            design = family.build(family.sample(random.Random(f"{name}/{level}/{seed}"), level), level)
            iface = infer_interface(design.golden, top=design.top)
            assert [(p.name, p.direction, p.width) for p in iface.ports] == \
                [(p.name, p.direction, p.width) for p in design.ports]
            if design.combinational:
                assert not iface.clocks and not iface.resets
            else:
                assert [(c.name, c.edge) for c in iface.clocks] == [("clk", "posedge")]
                assert [(r.name, r.active_high, r.synchronous) for r in iface.resets] == \
                    [(design.reset.name, design.reset.active_high, design.reset.synchronous)]


def test_alu_reasoning_restates_every_arm_beside_its_table_row():
    """The plan pairs each row of the spec's table with the golden's arm, word for word on both sides: a model
    then reads the code from its own plan line by line (bench/rl_gain.py's tiny model learns the ALU this way)."""
    family = FAMILIES["alu"]
    for level in range(1, MAX_LEVEL + 1):
        design = family.build(family.sample(random.Random(f"alu-arms/{level}"), level), level)
        prompt, thoughts = user_prompt(design), reasoning(design)
        arms = [line.strip() for line in design.golden.split("case (op)")[1].split("endcase")[0].splitlines()
                if line.strip() and not line.strip().startswith("default")]
        assert len(arms) == len(design.params["ops"])
        for arm, row in zip(arms, (b for b in design.behaviour if b.startswith("`op` ="))):
            assert row in prompt and f"   - {row}, so {arm}" in thoughts
