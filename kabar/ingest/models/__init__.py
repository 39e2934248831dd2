"""What came in from elsewhere: WordPress sites moved in, the wire, and old addresses kept."""

from .redirects import LegacyRedirect
from .runs import ImportRun, ImportRunStatus
from .wire import WireItem, WireSource
from .wordpress import ImportedItem, ImportedKind

__all__ = [
    "ImportRun",
    "ImportRunStatus",
    "ImportedItem",
    "ImportedKind",
    "LegacyRedirect",
    "WireItem",
    "WireSource",
]
