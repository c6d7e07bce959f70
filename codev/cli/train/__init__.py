"""`codev train STAGE` command modules (registered in codev/cli/train_cmd.py STAGES); the library is codev.train."""
