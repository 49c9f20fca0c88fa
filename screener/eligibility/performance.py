"""Performance status on three scales, and how to compare across them.

ECOG (Zubrod) runs 0 (fully active) to 5 (dead); Karnofsky (adults, >= 16
years) and Lansky (children < 16 years) run 100 (normal) down to 0 in steps
of 10.

Mapping between ECOG and Karnofsky, as tabulated by the Children's Oncology
Group "Performance Status Scalings/Scores" appendix used in COG protocols,
after Oken MM et al., Am J Clin Oncol 1982;5:649-655 (ECOG), with Lansky placed
on the Karnofsky rows:

    ECOG 0  <->  Karnofsky/Lansky 100, 90
    ECOG 1  <->  Karnofsky/Lansky  80, 70
    ECOG 2  <->  Karnofsky/Lansky  60, 50
    ECOG 3  <->  Karnofsky/Lansky  40, 30
    ECOG 4  <->  Karnofsky/Lansky  20, 10
    ECOG 5  <->  Karnofsky/Lansky   0

Lansky and Karnofsky are read as the same 0-100 number: trials (and COG) state
one threshold for both ("Karnofsky >= 50 for patients >= 16 years, Lansky >= 50
for patients < 16 years"). Because one ECOG grade covers two Karnofsky values,
a conversion gives a *range*; a comparison is decided only when the whole range
falls on one side of the threshold, and is unknown otherwise.
"""

from __future__ import annotations

SCALES = ("ecog", "karnofsky", "lansky")
_ECOG_TO_KPS = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20), 5: (0, 0)}


def valid_score(scale: str, score: int) -> str | None:
    """Return a problem with (scale, score), or None when it is a real score."""
    if scale == "ecog" and not 0 <= score <= 5:
        return f"{score} is not an ECOG score (ECOG runs from 0 to 5)"
    if scale in ("karnofsky", "lansky") and not 0 <= score <= 100:
        return f"{score} is not a {scale.title()} score (it runs from 0 to 100)"
    return None


_KPS_TENS_TO_ECOG = {100: 0, 90: 0, 80: 1, 70: 1, 60: 2, 50: 2, 40: 3, 30: 3, 20: 4, 10: 4, 0: 5}


def _kps_to_ecog(score: int) -> int:
    # A value between the tens (say 75) falls in the band of the ten below it.
    return _KPS_TENS_TO_ECOG[(score // 10) * 10]


def score_range(scale: str, score: int, target: str) -> tuple[int, int]:
    """Range of ``target``-scale scores that a ``scale`` score corresponds to."""
    if scale == target or (scale != "ecog" and target != "ecog"):
        return score, score
    if scale == "ecog":  # ecog -> karnofsky/lansky
        return _ECOG_TO_KPS[score]
    ecog = _kps_to_ecog(score)
    return ecog, ecog
