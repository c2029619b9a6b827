"""Errors that reach a user as one clear line, never a traceback."""


class UserError(Exception):
    """A mistake a user can fix (bad option, missing file, broken config): one line, exit 1."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def plain_message(error: BaseException) -> str:
    """What went wrong, in the error's own words, without the Python class name.

    For errors shown to a user (a file that could not be read): the class name
    (``CameraError``, ``ValueError``) means nothing to them, the message does.
    An error without a message says what kind of failure it was in words.
    """
    text = str(error).strip()
    if text:
        return text.splitlines()[0]
    if isinstance(error, OSError):
        return "could not be read"
    return "could not be processed"
