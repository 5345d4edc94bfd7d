"""Audit: re-derive each lifecycle from its Temporal histories, replay them against the
current code, verify the hash-chained journal, export evidence, and record histories as
regression tests (issue 5)."""
