"""codev: train and evaluate Verilog-writing models with verifiable rewards."""

__version__ = "0.1.0"
