"""Judge bias audits: position bias from recorded pairwise verdicts, and probes of a pointwise judge.

The constants the CLI needs live here, light to import, so `critic --help` loads no library.
"""

PROBES = ("verbosity", "injection")  # probes scored through the store (critic.audit.probes)
