"""The errors a user can cause, each carrying one line that says what was wrong and what to do."""


class SpectuiError(Exception):
    """A user-facing error: the command line prints its message and exits 2, the TUI notifies."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RepoNotFound(SpectuiError):
    """The repository path or alias does not resolve to a Butler repository."""


class UnknownCollection(SpectuiError):
    """The named collection does not exist in the repository."""


class UnknownDatasetType(SpectuiError):
    """The named dataset type is not registered in the repository."""


class BadQuery(SpectuiError):
    """A where clause, glob or selection the Butler cannot run."""


class RegistryUnavailable(SpectuiError):
    """The repository's registry database cannot be read: moved, damaged, locked or unreachable."""


class BadInput(SpectuiError):
    """A value typed by the user (option, expression, file) that cannot be used."""


class OutputError(SpectuiError):
    """An output file that cannot be written."""


class Cancelled(SpectuiError):
    """Work stopped at the user's request."""
