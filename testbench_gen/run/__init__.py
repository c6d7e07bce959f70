"""Running a check: the golden's trace (golden), batches and culprits (core), traces to verdicts
(compare, results), the simulators (simulators/) and cocotb's driver (cocotb_driver/)."""
