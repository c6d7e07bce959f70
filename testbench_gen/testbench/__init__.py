"""Stimulus and harness: the stimulus plan, its coverage-directed segments, what a trace
reached, and the Verilog testbench that applies it and records the outputs."""
