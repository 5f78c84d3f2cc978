"""Publish ModelSpec files as a browsable MkDocs site, and validate them."""

__version__ = "0.1.0"
