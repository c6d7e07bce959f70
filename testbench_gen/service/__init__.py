"""Serving checks: warm worker pools (local, Ray) and the bounded caches they keep."""
