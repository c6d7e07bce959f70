"""Errors every layer may raise and the command line reports as one line (exit status 2)."""
from __future__ import annotations


class UsageError(Exception):
    """Bad input from the user (a file, a flag, a config key): printed as one line naming it, exit status 2."""
