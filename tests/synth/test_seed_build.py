"""The shipped replay files match the authored responses, the seed modules and the prompt templates."""
from __future__ import annotations

from codev.synth.seed_build import BASE_FILE, HEADER, ROUNDTRIP_FILE, build_rows, render


def test_replay_files_are_current_and_say_who_wrote_them():
    roundtrip, base = build_rows()
    assert ROUNDTRIP_FILE.read_text() == render(roundtrip), "rerun: python -m codev.synth.seed_build"
    assert BASE_FILE.read_text() == render(base), "rerun: python -m codev.synth.seed_build"
    assert "not recorded from a model" in HEADER and roundtrip[0] == {"header": HEADER}
