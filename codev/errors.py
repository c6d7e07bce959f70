"""Errors every layer may raise and the command line reports as one line (exit status 2)."""
from __future__ import annotations


class UsageError(Exception):
    """Bad input from the user (a file, a flag, a config key): printed as one line naming it, exit status 2."""


class ConfigError(UsageError, ValueError):
    """A config problem, one line naming the file and the key: `FILE: SECTION: KEY: problem`.

    The one error of codev's configuration layer (codev/config.py): a UsageError, so every command reports it
    as one line with exit status 2; a ValueError, so callers that validate values may catch either."""

    def __init__(self, where: str, problem: str | None = None):
        super().__init__(where if problem is None else f"{where}: {problem}")
