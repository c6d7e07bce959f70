"""`codev eval`: benchmark loaders, official pass rules, sandboxed Icarus scoring, pass@k and reports."""
