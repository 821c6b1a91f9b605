"""Judge bias audits: position bias from recorded pairwise verdicts, and probes of a pointwise judge."""
