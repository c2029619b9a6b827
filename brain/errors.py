"""Errors that reach a user as one clear line, never a traceback."""


class UserError(Exception):
    """A mistake a user can fix (bad option, missing file, broken config): one line, exit 1."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
