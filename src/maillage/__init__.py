"""Maillage: collective intelligence on access to health care in French regions."""

__version__ = "0.1.0"
