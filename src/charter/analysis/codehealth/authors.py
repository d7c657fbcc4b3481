"""Which authors are bots and AI coding agents, recognised by their name and e-mail as they appear in
git (after `.mailmap`): the identities Charter ships, and `policies.bots` on top of them.

A rule names a glob for the author's name, for the e-mail, or both (then both must match). Globs use
`*` and `?` and nothing else, so the brackets in `dependabot[bot]` are literal; they are matched
case-insensitively, an e-mail glob against the whole address and against its local part (GitHub
writes an app's commits as `49699333+dependabot[bot]@users.noreply.github.com`). The first rule that
matches decides, user rules before the shipped ones, so that a user can name an identity the shipped
table misreads; the agents come before the catch-all GitHub App rule, as their apps' names end in
`[bot]` too.

Bots and agents both stay out of knowledge, bus factor and author turnover (they are not people who
hold knowledge or leave); their commits still count as changes. An agent's changes are counted apart,
also when the agent is named only in a `Co-authored-by` trailer (the author, a person, keeps the
knowledge of what they reviewed and signed)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from charter.analysis.codehealth.patterns import wildcards_regex


class AuthorKind(StrEnum):
    BOT = "bot"  # automation: dependency updates, formatting, releases
    AGENT = "agent"  # an AI coding agent writing changes


@dataclass(frozen=True, slots=True)
class AutomatedAuthor:
    """One way to recognise a bot or an agent: `label` names it in reports; `name` and `email` are
    globs (None: not looked at)."""

    label: str
    kind: AuthorKind
    name: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        if self.name is None and self.email is None:
            raise ValueError(f"{self.label}: a bot or agent rule needs a name or an e-mail glob")


def _agent(label: str, *, name: str | None = None, email: str | None = None) -> AutomatedAuthor:
    return AutomatedAuthor(label, AuthorKind.AGENT, name, email)


def _bot(label: str, *, name: str | None = None, email: str | None = None) -> AutomatedAuthor:
    return AutomatedAuthor(label, AuthorKind.BOT, name, email)


def _github_app(label: str, kind: AuthorKind, slug: str) -> tuple[AutomatedAuthor, AutomatedAuthor]:
    """A GitHub App commits as `slug[bot] <ID+slug[bot]@users.noreply.github.com>`; a trailer may give
    the address under another name (`Devin <158243242+devin-ai-integration[bot]@...>`)."""
    return (
        AutomatedAuthor(label, kind, name=f"{slug}[bot]"),
        AutomatedAuthor(label, kind, email=f"*{slug}[bot]@users.noreply.github.com"),
    )


# How each is seen in real histories: its GitHub App when it commits itself, and the address its
# `Co-authored-by` trailer uses when a person commits its work.
SHIPPED_AGENTS: tuple[AutomatedAuthor, ...] = (
    # GitHub Copilot: the coding agent commits as `Copilot <198982749+Copilot@users.noreply.github.com>`
    # (its app is `copilot-swe-agent[bot]`); Copilot CLI and VS Code sign `ID+Copilot@...` trailers.
    *_github_app("GitHub Copilot", AuthorKind.AGENT, "copilot-swe-agent"),
    _agent("GitHub Copilot", email="*+Copilot@users.noreply.github.com"),
    _agent("GitHub Copilot", email="copilot@github.com"),
    # Claude Code signs `Co-Authored-By: Claude <noreply@anthropic.com>` (the model's name may follow);
    # its GitHub Action commits as `claude[bot]`. Not by name: people are called Claude.
    _agent("Claude", email="noreply@anthropic.com"),
    *_github_app("Claude", AuthorKind.AGENT, "claude"),
    _agent("OpenAI Codex", email="noreply@openai.com"),
    _agent("OpenAI Codex", email="codex@openai.com"),
    *_github_app("OpenAI Codex", AuthorKind.AGENT, "chatgpt-codex-connector"),
    *_github_app("Devin", AuthorKind.AGENT, "devin-ai-integration"),
    _agent("Devin", email="devin@cognition.ai"),
    *_github_app("Google Jules", AuthorKind.AGENT, "google-labs-jules"),
    _agent("Google Jules", email="noreply@jules.google"),
    _agent("Cursor", email="cursoragent@cursor.com"),
    *_github_app("Amazon Q Developer", AuthorKind.AGENT, "amazon-q-developer"),
    _agent("OpenHands", email="openhands@all-hands.dev"),
    *_github_app("Sweep", AuthorKind.AGENT, "sweep-ai"),
    # aider appends " (aider)" to the name of the person it works for, with that person's address.
    _agent("aider", name="* (aider)"),
)

SHIPPED_BOTS: tuple[AutomatedAuthor, ...] = (
    *_github_app("Dependabot", AuthorKind.BOT, "dependabot"),
    *_github_app("Dependabot", AuthorKind.BOT, "dependabot-preview"),
    *_github_app("Renovate", AuthorKind.BOT, "renovate"),
    _bot("Renovate", email="bot@renovateapp.com"),
    *_github_app("pre-commit.ci", AuthorKind.BOT, "pre-commit-ci"),
    *_github_app("GitHub Actions", AuthorKind.BOT, "github-actions"),
    _bot("GitHub Actions", email="github-actions@github.com"),
    _bot("GitHub Actions", email="action@github.com"),
    _bot("Snyk", email="snyk-bot@snyk.io"),
    _bot("semantic-release", name="semantic-release-bot"),
    _bot("Weblate", email="noreply@weblate.org"),
    # Any other GitHub App.
    _bot("GitHub App", name="*[bot]"),
    _bot("GitHub App", email="*[bot]@users.noreply.github.com"),
)

SHIPPED_AUTOMATED_AUTHORS: tuple[AutomatedAuthor, ...] = SHIPPED_AGENTS + SHIPPED_BOTS


def _matcher(pattern: str | None, email: bool) -> Callable[[str], bool]:
    if pattern is None:
        return lambda value: True
    compiled = re.compile(wildcards_regex(pattern), re.IGNORECASE | re.DOTALL)
    if not email:
        return lambda value: compiled.fullmatch(value) is not None
    return lambda value: (
        compiled.fullmatch(value) is not None or compiled.fullmatch(value.rsplit("@", 1)[0]) is not None
    )


def _any_of(patterns: Iterable[str | None]) -> re.Pattern[str] | None:
    """One expression that matches whatever one of the patterns matches (None: there are none)."""
    wanted = [f"(?:{wildcards_regex(pattern)})" for pattern in patterns if pattern is not None]
    return re.compile("|".join(wanted), re.IGNORECASE | re.DOTALL) if wanted else None


class AuthorRecognizer:
    """Tells, from an author's name and e-mail, whether a bot or an agent wrote a commit; None for a
    person. Each distinct identity is matched once."""

    def __init__(self, rules: Iterable[AutomatedAuthor]) -> None:
        self.rules = tuple(rules)
        self._compiled = [(rule, _matcher(rule.name, False), _matcher(rule.email, True)) for rule in self.rules]
        self._seen: dict[tuple[str, str], AutomatedAuthor | None] = {}
        # Most authors are people, whom no rule matches: one expression of every rule's name and one
        # of every rule's e-mail tell so at once, and only an author one of them matches is tried
        # rule by rule (a rule matches only when its name, or its e-mail, does).
        self._any_name = _any_of(rule.name for rule in self.rules)
        self._any_email = _any_of(rule.email for rule in self.rules)
        self._matches_anyone = any(rule.name is None and rule.email is None for rule in self.rules)

    def recognise(self, name: str, email: str) -> AutomatedAuthor | None:
        identity = (name, email)
        if identity in self._seen:
            return self._seen[identity]
        found = None
        if self._matches_anyone or self._may_match(name, email):
            found = next(
                (rule for rule, by_name, by_email in self._compiled if by_name(name) and by_email(email)), None
            )
        self._seen[identity] = found
        return found

    def _may_match(self, name: str, email: str) -> bool:
        if self._any_name is not None and self._any_name.fullmatch(name) is not None:
            return True
        if self._any_email is None:
            return False
        return (
            self._any_email.fullmatch(email) is not None
            or self._any_email.fullmatch(email.rsplit("@", 1)[0]) is not None
        )

    def recognise_signature(self, signature: str) -> AutomatedAuthor | None:
        """A `Name <e-mail>` as a `Co-authored-by` trailer writes it (the e-mail may be missing)."""
        name, _, rest = signature.partition("<")
        return self.recognise(name.strip(), rest.partition(">")[0].strip())


def recognizer(user_rules: Sequence[AutomatedAuthor] = (), shipped: bool = True) -> AuthorRecognizer:
    """User rules first, then (unless `shipped` is False) the shipped table."""
    return AuthorRecognizer([*user_rules, *(SHIPPED_AUTOMATED_AUTHORS if shipped else ())])
