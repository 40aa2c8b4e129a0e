"""Errors raised by the access engine.

Every error about bad input names where the problem is (file, line, field) so that an
importer or a Django form can show it as is (DESIGN.md, "Rules for every app").
"""

from __future__ import annotations

__all__ = ["AccessError", "AccessInputError", "TravelTimeServiceError"]


class AccessError(Exception):
    """Base class of every error raised by :mod:`maillage.engines.access`."""


class AccessInputError(AccessError, ValueError):
    """Invalid input data: names the file, the line and the field when they are known.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    file
        Path (or label) of the offending file, if the input came from a file.
    line
        1-based line number in a CSV file (the header is line 1), or 1-based row number in a
        Parquet file.
    field
        Column or argument name.

    Examples
    --------
    >>> err = AccessInputError("negative travel time -3.0", file="od.csv", line=4,
    ...                        field="minutes")
    >>> str(err)
    'od.csv, line 4, field minutes: negative travel time -3.0'
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.reason = message
        where = []
        if file is not None:
            where.append(str(file))
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field {field}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class TravelTimeServiceError(AccessError, RuntimeError):
    """A routing service (OSRM) failed, timed out or answered something unusable."""
