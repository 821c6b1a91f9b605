"""Data critic needs at run time, shipped inside the package: built-in rubrics, report templates,
the sample traffic and the example golden set. Read through `resource`, never by path arithmetic
from the repository root, so an installed wheel works from any folder."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource(*parts: str) -> Path:
    """The path of a file or folder shipped in critic/data (installed packages are plain folders)."""
    return Path(str(files("critic.data").joinpath(*parts)))
