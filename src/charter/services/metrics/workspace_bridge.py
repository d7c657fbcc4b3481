"""The `Workspace` the domains' value functions take today, made from a Context: the bridge goes when
they take the Context itself."""

from __future__ import annotations

from charter.services.context import Context
from charter.services.workspace import Workspace


def workspace_of(context: Context) -> Workspace:
    """A Workspace over the context's repository, Estate and store."""
    return Workspace(context.root, context.estate, context.store)
