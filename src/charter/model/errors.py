"""The one hierarchy of errors the application layer raises. Each says what went wrong in words a
user can act on; the command line maps them to exit codes in one place (`cli/errors.py`) and the
server to HTTP statuses in one place."""

from __future__ import annotations


class CharterError(Exception):
    """Something Charter cannot do as asked; the message names the file, argument or fix."""


class UsageError(CharterError):
    """The arguments are wrong: an unknown name, an empty period, options that exclude each other."""


class InputError(CharterError):
    """An input cannot be read: a missing or unparseable file, a repository that is not one."""


class NotFound(CharterError):
    """A thing named by the user does not exist: a deployment, an SLO, a snapshot."""


class StoreUnavailable(CharterError):
    """The store cannot be opened: a bad URL, a server that does not answer, a newer schema."""


class StoreFailure(CharterError):
    """The store was opened but a read or write failed part-way."""


class GateFailed(CharterError):
    """Not an error of Charter's: a gate (`--fail-on`) was met. Carries no message of its own."""


class NotAuthenticated(CharterError):
    """A server request without a valid token: none, unknown, expired or revoked (HTTP 401)."""


class NotAllowed(CharterError):
    """A server request whose token's role is below what it asks (HTTP 403)."""
