"""The history code health describes: the commits reachable from the head of the default branch
(branches merged into it included; abandoned branches, and the tags left on them, not), and which of
them bots and AI coding agents made. Every ref stays mined for delivery; only code health narrows to
this."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from charter.analysis.codehealth.authors import AuthorKind, AuthorRecognizer, AutomatedAuthor

# (sha, parents space-separated, author name, author email, `Co-authored-by` trailers one a line or None)
CommitAuthorRow = tuple[str, str, str, str, str | None]


@dataclass(frozen=True, slots=True)
class Mainline:
    """The default branch's commits; of those, the ones a bot or an agent authored (`authored_by`), and
    the ones a person authored with an agent named in a `Co-authored-by` trailer (`assisted_by`)."""

    commits: frozenset[str]
    authored_by: Mapping[str, AutomatedAuthor] = field(default_factory=dict)
    assisted_by: Mapping[str, AutomatedAuthor] = field(default_factory=dict)

    def agent(self, sha: str) -> AutomatedAuthor | None:
        """The agent that wrote the commit, alone or with its author; None when none did."""
        author = self.authored_by.get(sha)
        if author is not None and author.kind is AuthorKind.AGENT:
            return author
        return self.assisted_by.get(sha)


def mainline(head: str | None, commits: Iterable[CommitAuthorRow], recognizer: AuthorRecognizer) -> Mainline:
    """The commits reachable from `head` among `commits` (read once), and who made them. A head that is
    not among them (not mined) reaches nothing."""
    parents: dict[str, list[str]] = {}
    authored_by: dict[str, AutomatedAuthor] = {}
    assisted_by: dict[str, AutomatedAuthor] = {}
    for sha, parent_text, name, email, co_authors in commits:
        parents[sha] = parent_text.split()
        author = recognizer.recognise(name, email)
        if author is not None:
            authored_by[sha] = author
        elif co_authors:
            agent = _co_authoring_agent(co_authors, recognizer)
            if agent is not None:
                assisted_by[sha] = agent
    reached = _reachable(head, parents)
    return Mainline(
        frozenset(reached),
        {sha: author for sha, author in authored_by.items() if sha in reached},
        {sha: agent for sha, agent in assisted_by.items() if sha in reached},
    )


def _co_authoring_agent(co_authors: str, recognizer: AuthorRecognizer) -> AutomatedAuthor | None:
    for signature in co_authors.splitlines():
        found = recognizer.recognise_signature(signature)
        if found is not None and found.kind is AuthorKind.AGENT:
            return found
    return None


def _reachable(head: str | None, parents: Mapping[str, list[str]]) -> set[str]:
    if head is None or head not in parents:
        return set()
    reached = {head}
    pending = [head]
    while pending:
        for parent in parents.get(pending.pop(), ()):
            if parent not in reached and parent in parents:
                reached.add(parent)
                pending.append(parent)
    return reached
