"""Errors mtqa raises on purpose: the CLI turns each into a one-line message and exit code 2."""

from __future__ import annotations


class MtqaError(Exception):
    """Base of every error mtqa raises deliberately; anything else is a bug."""


class InputError(MtqaError):
    """An input could not be read or parsed (wrong encoding, binary, empty, malformed line)."""


class ConfigError(MtqaError):
    """A configuration file or option is invalid."""


class ReferenceDataError(MtqaError):
    """A list in references/ (or a user's own list) is malformed."""


class ModelUnavailableError(MtqaError):
    """A translation model cannot be found, downloaded or loaded; the message says how to fix it."""


class ReportError(MtqaError):
    """A report could not be written."""


class OutputBusyError(ReportError):
    """Another run holds the output folder's lock: two runs must not interleave their reports."""
