"""Self-play (Absolute Zero for Verilog): the model proposes tasks, the checker validates them, the model solves them."""
