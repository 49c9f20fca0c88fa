"""Targets the benchmarks print beside their figures: "met" or "MISSED", and the exit code.

Every figure with a target goes through one ``Targets``; with ``--strict`` the
benchmark exits 1 when any target was missed, so CI (or a person) cannot read
past a miss.
"""

from __future__ import annotations


class Targets:
    """Collects whether each target was met, and prints the verdict beside the figure."""

    def __init__(self) -> None:
        self.missed: list[str] = []

    def check(self, line: str, met: bool) -> None:
        """Print ``line`` (the figure and its target) followed by "met" or "MISSED"."""
        print(f"{line}  {'met' if met else 'MISSED'}")
        if not met:
            self.missed.append(line.strip())

    def exit_code(self, strict: bool) -> int:
        """0, or 1 under ``strict`` when a target was missed (the misses are listed)."""
        if self.missed:
            print(f"\n{len(self.missed)} target(s) MISSED:")
            for line in self.missed:
                print(f"  {line}")
        return 1 if strict and self.missed else 0


def add_strict_option(parser) -> None:
    """The ``--strict`` option every benchmark takes."""
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a figure misses its target")
