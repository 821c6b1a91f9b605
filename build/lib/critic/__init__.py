"""critic: evaluate and monitor LLM features in production with pointwise LLM judges."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("critic")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
