"""Charter: technology strategy as code, measured against reality."""

__version__ = "0.1.0"
