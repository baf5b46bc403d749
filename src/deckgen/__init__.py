"""deckgen: one structured source, a print-ready PDF brief and a PowerPoint deck."""

__version__ = "0.1.0"
