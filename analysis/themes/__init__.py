"""Theme analysis: taxonomy themes (seeded or learnt from HR codings), emerging themes, sentiment.

The app and the command line use ``ThemePipeline``; the steps are exported for reuse and tests.
"""

from analysis.themes.base import Embedder, ThemeScorer, ThemeScores
from analysis.themes.emerging import (
    EMERGING_PREFIX,
    EmergingThemeFinder,
    EmergingThemes,
    carry_over_ids,
    map_emerging_themes,
)
from analysis.themes.pipeline import (
    ASSIGNMENT_COLUMNS,
    CodesError,
    ThemePipeline,
    ThemeRun,
    codes_from_assignments,
    read_codes,
)
from analysis.themes.seeds import SeedMatcher
from analysis.themes.supervised import SupervisedThemeModel

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "EMERGING_PREFIX",
    "CodesError",
    "Embedder",
    "EmergingThemeFinder",
    "EmergingThemes",
    "SeedMatcher",
    "SupervisedThemeModel",
    "ThemePipeline",
    "ThemeRun",
    "ThemeScorer",
    "ThemeScores",
    "carry_over_ids",
    "codes_from_assignments",
    "map_emerging_themes",
    "read_codes",
]
