"""The weekly triage report: the worst interactions grouped into problems, latency and cost tails.

The constants the CLI needs live here, light to import, so `critic --help` loads no library.
"""

MAX_CLUSTERED = 2000  # at most this many likely-bad interactions are embedded and clustered (a sample beyond)
STATUSES = ("open", "investigating", "fixed", "wontfix")  # a problem's triage status
