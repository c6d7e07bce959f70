"""The generation options of `codev eval --help` say what they do and their defaults."""
from __future__ import annotations

import re

import pytest


def test_generation_options_have_help_and_defaults(run_cli, capsys):
    with pytest.raises(SystemExit):
        run_cli("eval", "--help")
    text = capsys.readouterr().out
    for option, default in (("--temperature", "0.8"), ("--top-p", "0.95"), ("--max-tokens", "2048"),
                            ("--prompt-style", "official")):
        entry = re.search(rf"^  {option} \S+(.*?)(?=^  -)", text, re.M | re.S)
        assert entry, option
        words = " ".join(entry.group(1).split())
        assert words.endswith(f"(default: {default})") and len(words) > 40, words
