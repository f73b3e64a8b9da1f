"""opis: an open archive for historical primary sources."""

__version__ = "0.1.0"
