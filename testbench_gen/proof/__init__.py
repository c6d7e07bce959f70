"""Proof: yosys formal equivalence (formal), what formal reads (formal_input) and the strategies
that combine simulators and formal (strategies)."""
