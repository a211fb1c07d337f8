"""Errors a user can cause and fix: the CLI and the TUI show their message as one line."""


class MoviepickError(Exception):
    """A problem with the user's input or environment, explained in the message."""


class DatasetError(MoviepickError):
    """A dataset is missing, unreadable or not a MovieLens layout."""


class DownloadError(MoviepickError):
    """A dataset download failed or did not verify."""


class ModelError(MoviepickError):
    """A model is unknown, missing, corrupt, or was trained on another dataset."""


class ProfileError(MoviepickError):
    """The profile database is unreadable or a profile entry is invalid."""
