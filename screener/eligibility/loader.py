"""Load criteria files into ``Trial`` objects, refusing any file the linter rejects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .lint import Problem, lint_data, load_yaml
from .model import Criterion, Trial
from .rules import build_node


class CriteriaError(Exception):
    """One or more criteria files are broken; ``problems`` says where and how."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def criteria_files(directory: Path) -> list[Path]:
    """The criteria files of a directory, in a stable order."""
    return sorted(p for p in Path(directory).glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def lint_file(path: Path) -> list[Problem]:
    data, problems = load_yaml(path)
    return problems or lint_data(data, str(path))


def _lint_parsed(directory: Path) -> tuple[list[Problem], list[tuple[Path, Any]]]:
    """Parse every file once; lint each, and look for one trial in two files."""
    problems: list[Problem] = []
    parsed: list[tuple[Path, Any]] = []
    owners: dict[str, Path] = {}
    for path in criteria_files(directory):
        data, parse_problems = load_yaml(path)
        problems.extend(parse_problems or lint_data(data, str(path)))
        parsed.append((path, data))
        trial_id = (data or {}).get("trial", {}).get("id") if isinstance(data, dict) else None
        if isinstance(trial_id, str):
            if trial_id in owners:
                problems.append(Problem(str(path), "-", "duplicate-id",
                                        f"trial {trial_id} is also in {owners[trial_id]}"))
            owners.setdefault(trial_id, path)
    return problems, parsed


def lint_dir(directory: Path) -> list[Problem]:
    """Every problem in every criteria file of ``directory``, plus duplicate trials."""
    return _lint_parsed(directory)[0]


def trial_from_data(data: dict[str, Any], path: str = "", source: str = "criteria-file") -> Trial:
    """Build a Trial from a criteria mapping that passed the linter."""
    meta = data["trial"]
    criteria = [
        Criterion(
            id=c["id"], kind=c["kind"], text=c["text"], plain=dict(c.get("plain") or {}),
            rule=build_node(c["rule"]) if "rule" in c else None,
            note=c.get("note", ""), review=bool(c.get("review", False)),
        )
        for c in data["criteria"]
    ]
    return Trial(
        id=meta["id"], title=meta["title"], source=source, criteria=criteria,
        status=meta.get("status", ""), status_checked=str(meta.get("status_checked", "")),
        phases=list(meta.get("phases") or []), sponsor=meta.get("sponsor", ""),
        minimum_age=meta.get("minimum_age"), maximum_age=meta.get("maximum_age"),
        sex=meta.get("sex", "ALL"), sites=list(meta.get("sites") or []),
        summary=dict(meta.get("summary") or {}), acronym=meta.get("acronym", ""),
        record=(meta.get("source") or {}).get("record", ""), path=path,
    )


def load_file(path: Path) -> Trial:
    """Load one criteria file, or raise CriteriaError naming its problems."""
    data, problems = load_yaml(path)
    problems = problems or lint_data(data, str(path))
    if problems:
        raise CriteriaError(problems)
    return trial_from_data(data, str(path))


def load_dir(directory: Path) -> list[Trial]:
    """Load every criteria file of ``directory``; any problem anywhere raises."""
    problems, parsed = _lint_parsed(directory)
    if problems:
        raise CriteriaError(problems)
    return [trial_from_data(data, str(path)) for path, data in parsed]
