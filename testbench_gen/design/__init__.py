"""Reading the design: the golden's interface (infer), the rules for untrusted text (policy),
screening a candidate before any simulation (screen, in a limited worker: frontend), port-width
adapters (widths) and single-site mutants (mutants)."""
