"""vpp-tui: a keyboard-driven console for Apple volume-purchased apps and books."""

__version__ = "0.1.0"
