"""Verified dataset synthesis: ingest, filters, decontamination, round trip, difficulty, generator."""
