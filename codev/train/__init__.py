"""Training: SFT on reasoning traces, adaptive DAPO with the equivalence reward."""
