"""`codev synth STAGE` command modules (registered in codev/cli/synth_cmd.py STAGES); the library is codev.synth."""
