"""Directory drill-down: one user, device or group (`screen`), its lines and tables
(`tables`)."""

from vpp_tui.ui.screens.directory.screen import DirectoryDetailsScreen

__all__ = ["DirectoryDetailsScreen"]
