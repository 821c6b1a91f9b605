"""critic's exceptions: library code raises these, only the CLI turns them into exit codes.

    CriticError                 anything critic reports to a person (exit 1)
    ├── ConfigError             critic.toml or an option is wrong
    │   └── OptionError         a command-line option is wrong (exit 2, as click's usage errors)
    ├── InputError              a logged-traffic or golden-set file is malformed
    ├── RubricError             a rubric file is malformed
    ├── JudgeError              a judge backend cannot be used (missing key, bad spec)
    └── StoreError              the DuckDB store cannot be opened or written
        └── StoreLockedError    another process holds the store

Every message says what is wrong and how to fix it, naming the file, line and field.
"""

from __future__ import annotations


class CriticError(Exception):
    """Base of every error critic reports; the message is shown to the user as is."""

    exit_code = 1


class ConfigError(CriticError):
    """A configuration file or option is wrong."""


class OptionError(ConfigError):
    """A command-line option's value is wrong or two options conflict: a usage error."""

    exit_code = 2


class InputError(CriticError):
    """An input file is malformed; the message starts with FILE:LINE."""

    def __init__(self, path: str, where: str | int | None, problem: str) -> None:
        self.path = path
        self.where = where
        self.problem = problem
        location = path if where is None else f"{path}:{where}"
        super().__init__(f"{location}: {problem}")


class RubricError(CriticError):
    """A rubric file is malformed."""


class JudgeError(CriticError):
    """A judge backend cannot be used."""


class StoreError(CriticError):
    """The store cannot be opened, migrated or written."""


class StoreLockedError(StoreError):
    """Another process has the store open for writing."""
