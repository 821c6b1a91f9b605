"""Rubrics: one criterion, seven described levels, and a sandboxed Jinja2 prompt template.

A rubric file (YAML) holds `name`, `description`, `reads` (interaction fields it needs),
`levels` keyed 7..1, and `template`. Its `version` is a hash of its content, so editing a
rubric never mixes old and new judgments.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from critic.data import resource
from critic.errors import RubricError
from critic.scale import LEVELS
from critic.signals.hidden import visible

BUILTIN_DIR = resource("rubrics")
READABLE_FIELDS = ("input", "output", "reference", "context")
KEYS = ("name", "description", "reads", "levels", "template")

# Judged text sits between these marks; the marks are stripped from the text itself, so
# nothing inside can close its block or open a new one.
OPEN, CLOSE = "⟦", "⟧"


@dataclass(frozen=True)
class Rubric:
    """A loaded, validated rubric."""

    name: str
    description: str
    reads: tuple[str, ...]
    levels: dict[int, str]
    template: str
    path: str
    version: str = field(default="")

    def render(self, fields: dict[str, Any]) -> str:
        """The prompt for one interaction: the fixed rubric first, the judged text last."""
        missing = [f for f in self.reads if f != "output" and not fields.get(f)]
        values = {f: "" if f in missing else delimit(f, str(fields.get(f) or "")) for f in self.reads}
        return (
            _compiled(self.template).render(rubric=self, levels=self.levels, missing=missing, **values).strip() + "\n"
        )


def delimit(name: str, text: str) -> str:
    """TEXT inside ⟦name⟧ … ⟦/name⟧, with every mark that could pass for ⟦ or ⟧ neutralized.

    Look-alikes count: any non-ASCII square, white or lenticular bracket (〚〛, ［］, 【】, ⁅⁆ …),
    found by Unicode name after compatibility normalization, becomes a plain [ or ]. Invisible
    characters are removed (`visible`): the judge reads what a person sees. The rest of the text is
    passed on unchanged.
    """
    return f"{OPEN}{name}{CLOSE}\n{visible(text).translate(_look_alikes())}\n{OPEN}/{name}{CLOSE}"


@lru_cache(maxsize=1)
def _look_alikes() -> dict[int, str]:
    """Every non-ASCII character that is, or normalizes to, a square-like bracket: code point → '[' or ']'."""
    table: dict[int, str] = {}
    for code in range(0x80, 0x30000):
        char = chr(code)
        if unicodedata.category(char) not in ("Ps", "Pe"):
            folded = unicodedata.normalize("NFKC", char)
            if folded in ("[", "]"):
                table[code] = folded
            continue
        name = unicodedata.name(char, "")
        if any(k in name for k in ("SQUARE BRACKET", "WHITE", "LENTICULAR", "TORTOISE SHELL", "CORNER BRACKET")):
            table[code] = "[" if unicodedata.category(char) == "Ps" else "]"
    return table


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


@lru_cache(maxsize=64)
def _compiled(template: str) -> Template:
    """A rubric's template compiled once, not once per interaction."""
    return _env().from_string(template)


def load_rubric(path: str | Path) -> Rubric:
    """Read and validate one rubric file; errors name the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(f"{path}: cannot read the rubric ({exc})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise RubricError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise RubricError(f"{path}:1: a rubric is a YAML mapping with keys {', '.join(KEYS)}")
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value}
    _check_keys(path, data, lines)
    levels = _check_levels(path, data["levels"], node, lines)
    reads = _check_reads(path, data["reads"], lines)
    rubric = Rubric(
        name=str(data["name"]),
        description=str(data["description"]).strip(),
        reads=reads,
        levels=levels,
        template=str(data["template"]),
        path=str(path),
        version=hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
    )
    _check_template(path, rubric, lines.get("template", 1))
    return rubric


def _check_keys(path: Path, data: dict[str, Any], lines: dict[str, int]) -> None:
    for key in data:
        if key not in KEYS:
            raise RubricError(f"{path}:{lines[key]}: unknown field {key!r}; a rubric has {', '.join(KEYS)}")
    for key in KEYS:
        if key not in data or data[key] in (None, ""):
            raise RubricError(f"{path}:1: missing field {key!r}; a rubric has {', '.join(KEYS)}")


def _check_levels(path: Path, raw: Any, node: yaml.MappingNode, lines: dict[str, int]) -> dict[int, str]:
    line = lines["levels"]
    if not isinstance(raw, dict):
        raise RubricError(f"{path}:{line}: 'levels' must map each of 7..1 to a description")
    level_node = next(v for k, v in node.value if k.value == "levels")
    level_lines = {str(k.value): k.start_mark.line + 1 for k, _ in level_node.value}
    levels: dict[int, str] = {}
    for key, text in raw.items():
        if not isinstance(key, int) or key not in LEVELS:
            raise RubricError(f"{path}:{level_lines.get(str(key), line)}: extra level {key!r}; levels are 7..1 only")
        if not isinstance(text, str) or not text.strip():
            raise RubricError(f"{path}:{level_lines.get(str(key), line)}: level {key} needs a written description")
        levels[key] = " ".join(text.split())
    missing = [k for k in LEVELS if k not in levels]
    if missing:
        raise RubricError(f"{path}:{line}: missing level {missing[0]}; describe all seven levels 7..1")
    return {k: levels[k] for k in LEVELS}


def _check_reads(path: Path, raw: Any, lines: dict[str, int]) -> tuple[str, ...]:
    line = lines["reads"]
    if not isinstance(raw, list) or not raw:
        raise RubricError(f"{path}:{line}: 'reads' must list the fields the rubric reads: {', '.join(READABLE_FIELDS)}")
    for name in raw:
        if name not in READABLE_FIELDS:
            raise RubricError(f"{path}:{line}: unknown field {name!r} in 'reads'; use {', '.join(READABLE_FIELDS)}")
    if "output" not in raw:
        raise RubricError(f"{path}:{line}: 'reads' must include 'output', the text being judged")
    return tuple(raw)


def _check_template(path: Path, rubric: Rubric, start: int) -> None:
    try:
        _env().parse(rubric.template)
    except TemplateSyntaxError as exc:
        raise RubricError(f"{path}:{start + (exc.lineno or 1)}: template error: {exc.message}") from exc
    try:
        rubric.render({f: f"<{f}>" for f in READABLE_FIELDS})
    except TemplateError as exc:
        raise RubricError(
            f"{path}:{start}: template error: {exc}; the template may use rubric, levels, "
            f"missing and {', '.join(rubric.reads)}"
        ) from exc


def builtin_rubrics() -> dict[str, Rubric]:
    """The rubrics shipped in critic/data/rubrics, by name."""
    return _rubrics_in(BUILTIN_DIR)


def available_rubrics(folders: tuple[str, ...] = ()) -> dict[str, Rubric]:
    """The built-in rubrics, then those in FOLDERS (`[rubrics] paths`), a later one replacing a same-named one."""
    rubrics = builtin_rubrics()
    for folder in folders:
        path = Path(folder)
        if not path.is_dir():
            raise RubricError(f"{folder}: no such rubric folder; fix [rubrics] paths in critic.toml")
        rubrics.update(_rubrics_in(path))
    return rubrics


def _rubrics_in(folder: Path) -> dict[str, Rubric]:
    return {r.name: r for r in (load_rubric(p) for p in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]))}


def resolve_rubric(name_or_path: str, folders: tuple[str, ...] = ()) -> Rubric:
    """A rubric by name (built-in or in FOLDERS), or a rubric file by path."""
    if name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path:
        return load_rubric(name_or_path)
    rubrics = available_rubrics(folders)
    if name_or_path not in rubrics:
        raise RubricError(f"unknown rubric {name_or_path!r}; use one of {', '.join(rubrics)} or a path to a .yaml file")
    return rubrics[name_or_path]
