"""ptt, the politician trading tracker."""

__version__ = "0.1.0"
