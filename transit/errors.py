"""Errors raised by the transit engine."""

from __future__ import annotations


class FeedError(Exception):
    """A GTFS feed that cannot be used; the message names the file, the line and the problem."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        # One line, whatever a library put in it: the command prints it as its only error line.
        message = " ".join(message.split())
        self.file = file
        self.line = line
        if file is not None and line is not None:
            text = f"{file}, line {line}: {message}"
        elif file is not None:
            text = f"{file}: {message}"
        else:
            text = message
        super().__init__(text)
