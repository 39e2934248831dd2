"""What came in from elsewhere: WordPress sites and other comment systems moved in, the wire,
and old addresses kept."""

from .redirects import LegacyRedirect
from .runs import COMMENT_FORMATS, ImportFormat, ImportRun, ImportRunStatus
from .wire import WireItem, WireSource
from .wordpress import ImportedItem, ImportedKind

__all__ = [
    "COMMENT_FORMATS",
    "ImportFormat",
    "ImportRun",
    "ImportRunStatus",
    "ImportedItem",
    "ImportedKind",
    "LegacyRedirect",
    "WireItem",
    "WireSource",
]
