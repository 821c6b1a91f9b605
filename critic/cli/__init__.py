"""The critic command line: a thin shell over the library; one module per command or group.

Exit codes (a contract, documented in the README): 0 ok, 1 error, 2 usage, 3 quality gate failed.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import click

from critic import __version__
from critic.cli.audit import audit_cmd
from critic.cli.calibrate import calibrate_cmd
from critic.cli.check import check_cmd
from critic.cli.demo import demo_cmd
from critic.cli.distill import distill_cmd
from critic.cli.eval import eval_cmd, explain_cmd, rubrics_group
from critic.cli.export import export_cmd
from critic.cli.ingest import ingest_cmd
from critic.cli.label import compare_cmd, label_cmd
from critic.cli.review import review_group
from critic.cli.triage import triage_group
from critic.errors import CriticError
from critic.secrets import scrub

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_GATE_FAILED = 0, 1, 2, 3


class CriticGroup(click.Group):
    """A click group that turns every failure into one scrubbed line on stderr and its exit code.

    critic's own errors keep their message and exit code; anything else is a bug in critic, shown
    as one line (its type and message) with exit 1, and with the traceback under CRITIC_DEBUG=1.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CriticError as exc:
            click.echo(f"Error: {scrub(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted; what was finished is stored, and a re-run resumes.", err=True)
            ctx.exit(130)
        except Exception as exc:
            if os.environ.get("CRITIC_DEBUG"):
                raise
            if disk_full(exc):
                click.echo(f"Error: {disk_full_message()}", err=True)
                ctx.exit(EXIT_ERROR)
            message = scrub(f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__)
            click.echo(
                f"Error: internal error ({message}); this is a bug in critic, please report it "
                "(set CRITIC_DEBUG=1 for the traceback)",
                err=True,
            )
            ctx.exit(EXIT_ERROR)


def disk_full(exc: BaseException) -> bool:
    """Whether EXC (or what caused it) is the disk running out of space, as the OS or DuckDB reports it."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        if "no space left on device" in str(exc).lower() or "disk is full" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def disk_full_message() -> str:
    """One line: which store, how much room it needs, and that nothing was half-written."""
    from critic.store import default_db_path, last_opened

    path = last_opened() or default_db_path()
    size = Path(path).stat().st_size if Path(path).is_file() else 0
    folder = Path(path).resolve().parent
    free = shutil.disk_usage(folder).free if folder.is_dir() else 0
    return (
        f"{path}: the disk is full ({free / 1e6:.1f} MB free in {folder}); free at least {max(size, 1e6) / 1e6:.0f} MB "
        "(the store's size: DuckDB may need as much again to write) and re-run. The store is unchanged: each write is "
        "one transaction, and a re-run resumes"
    )


@click.group(cls=CriticGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="critic")
def cli() -> None:
    """critic: evaluate and monitor LLM features in production with pointwise LLM judges.

    Typical flow: critic ingest → critic eval → critic label → critic triage.
    """


cli.add_command(ingest_cmd)
cli.add_command(eval_cmd)
cli.add_command(explain_cmd)
cli.add_command(label_cmd)
cli.add_command(compare_cmd)
cli.add_command(triage_group)
cli.add_command(calibrate_cmd)
cli.add_command(audit_cmd)
cli.add_command(check_cmd)
cli.add_command(rubrics_group)
cli.add_command(demo_cmd)
cli.add_command(distill_cmd)
cli.add_command(export_cmd)
cli.add_command(review_group)
