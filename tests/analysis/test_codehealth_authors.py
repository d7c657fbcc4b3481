"""Bots and AI coding agents recognised by name and e-mail: every shipped identity as real histories
write it, people who only look alike, `policies.bots` before the shipped table, and trailers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from charter.analysis.codehealth.authors import (
    SHIPPED_AUTOMATED_AUTHORS,
    AuthorKind,
    AutomatedAuthor,
    _matcher,
    recognizer,
)
from charter.model.organization import Policies
from charter.services.codehealth import author_recognizer

AGENT, BOT = AuthorKind.AGENT, AuthorKind.BOT


@pytest.mark.parametrize(
    ("name", "email", "label", "kind"),
    [
        # GitHub Copilot's coding agent, as it commits; Copilot CLI's and VS Code's trailers.
        ("Copilot", "198982749+Copilot@users.noreply.github.com", "GitHub Copilot", AGENT),
        ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com", "GitHub Copilot", AGENT),
        ("Copilot", "223556219+Copilot@users.noreply.github.com", "GitHub Copilot", AGENT),
        ("Claude", "noreply@anthropic.com", "Claude", AGENT),
        ("Claude Opus 4.7", "noreply@anthropic.com", "Claude", AGENT),
        ("claude[bot]", "209825114+claude[bot]@users.noreply.github.com", "Claude", AGENT),
        ("Codex", "noreply@openai.com", "OpenAI Codex", AGENT),
        (
            "chatgpt-codex-connector[bot]",
            "199175422+chatgpt-codex-connector[bot]@users.noreply.github.com",
            "OpenAI Codex",
            AGENT,
        ),  # fmt: skip
        ("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com", "Devin", AGENT),
        ("Devin", "158243242+devin-ai-integration[bot]@users.noreply.github.com", "Devin", AGENT),
        ("google-labs-jules[bot]", "161369871+google-labs-jules[bot]@users.noreply.github.com", "Google Jules", AGENT),
        ("Cursor Agent", "cursoragent@cursor.com", "Cursor", AGENT),
        ("Paul Gauthier (aider)", "paul@aider.chat", "aider", AGENT),
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "Dependabot", BOT),
        ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com", "Renovate", BOT),
        ("Renovate Bot", "bot@renovateapp.com", "Renovate", BOT),
        ("pre-commit-ci[bot]", "66853113+pre-commit-ci[bot]@users.noreply.github.com", "pre-commit.ci", BOT),
        ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com", "GitHub Actions", BOT),
        ("GitHub Action", "action@github.com", "GitHub Actions", BOT),
        ("mergify[bot]", "37929162+mergify[bot]@users.noreply.github.com", "GitHub App", BOT),
        ("GitHub-Actions[BOT]", "someone@example.com", "GitHub Actions", BOT),  # case does not matter
    ],
)
def test_shipped_bots_and_agents_are_recognised_as_they_commit(
    name: str, email: str, label: str, kind: AuthorKind
) -> None:
    found = recognizer().recognise(name, email)
    assert found is not None and (found.label, found.kind) == (label, kind)


@pytest.mark.parametrize(
    ("name", "email"),
    [
        ("Claude Monet", "claude@monet.example"),  # a person called Claude
        ("Scott Tiger", "scott@example.com"),  # fnmatch would read [bot] as a class and take names ending in t
        ("Robot Robertson", "robot@example.com"),
        ("Ian Cordasco", "sigmavirus24@users.noreply.github.com"),
        ("Aider Fan", "aider@example.com"),
    ],
)
def test_people_who_look_alike_are_people(name: str, email: str) -> None:
    assert recognizer().recognise(name, email) is None


def test_every_shipped_rule_names_an_identity_and_the_agents_come_before_the_catch_all_app_rule() -> None:
    kinds = [rule.kind for rule in SHIPPED_AUTOMATED_AUTHORS]
    assert kinds == sorted(kinds, key=lambda kind: kind is AuthorKind.BOT)
    assert all(rule.name or rule.email for rule in SHIPPED_AUTOMATED_AUTHORS)
    with pytest.raises(ValueError, match="needs a name or an e-mail glob"):
        AutomatedAuthor("nothing", BOT)


def test_user_rules_come_first_and_a_rule_with_both_globs_needs_both() -> None:
    in_house = AutomatedAuthor("in-house agent", AGENT, name="Build Agent", email="*@agents.example.com")
    demoted = AutomatedAuthor("release tooling", BOT, name="github-actions[bot]")
    recognise = recognizer([in_house, demoted])
    assert recognise.recognise("Build Agent", "x7@agents.example.com") == in_house
    assert recognise.recognise("Build Agent", "person@example.com") is None
    assert (
        recognise.recognise("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com") == demoted
    )
    assert recognizer([in_house], shipped=False).recognise("dependabot[bot]", "x@example.com") is None


@pytest.mark.parametrize(
    ("signature", "label"),
    [
        ("Claude <noreply@anthropic.com>", "Claude"),
        ("Copilot <223556219+Copilot@users.noreply.github.com>", "GitHub Copilot"),
        ("  Cursor   <cursoragent@cursor.com>  ", "Cursor"),
        ("Jane Doe <jane@example.com>", None),
        ("Claude", None),  # no e-mail: a person's first name, not the agent
    ],
)
def test_a_co_authored_by_signature_is_read_as_name_and_email(signature: str, label: str | None) -> None:
    found = recognizer().recognise_signature(signature)
    assert (found.label if found else None) == label


def test_policies_bots_read_plain_globs_and_rules_and_can_drop_the_shipped_table() -> None:
    policies = Policies.model_validate(
        {"bots": ["release-*", {"email": "*@agents.example.com", "kind": "agent"}], "shippedBots": False}
    )
    recognise = author_recognizer(policies)
    assert recognise.recognise("release-train", "rt@example.com") == AutomatedAuthor("release-*", BOT, name="release-*")
    assert recognise.recognise("Deploy", "release-train@example.com") is not None  # the glob on the e-mail
    agent = recognise.recognise("Builder", "x@agents.example.com")
    assert agent is not None and (agent.label, agent.kind) == ("*@agents.example.com", AGENT)
    assert recognise.recognise("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com") is None
    assert author_recognizer(Policies()).recognise("dependabot[bot]", "x@example.com") is not None


def test_a_bot_rule_without_a_name_or_an_e_mail_is_refused_saying_what_to_write() -> None:
    with pytest.raises(ValidationError, match="a bot needs `name` or `email`"):
        Policies.model_validate({"bots": [{"kind": "agent", "label": "ours"}]})


def test_the_quick_refusal_of_people_answers_as_every_rule_would() -> None:
    """The recogniser refuses an author no rule's name or e-mail matches before trying the rules one
    by one: on identities of every kind its answers equal the first rule whose name and e-mail match."""
    rules = [
        AutomatedAuthor("Release robot", BOT, name="release-robot"),
        AutomatedAuthor("Ops mailer", BOT, email="ops-*@example.com"),
        AutomatedAuthor("Named and mailed", BOT, name="builder", email="builder@ci.example.com"),
        *SHIPPED_AUTOMATED_AUTHORS,
    ]
    identities = [(rule.name or "Someone", rule.email or "someone@example.com") for rule in rules]
    identities += [
        ("release-robot", "anyone@example.com"),
        ("Ada", "ops-nightly@example.com"),
        ("builder", "someone@example.com"),  # the name alone is not enough for that rule
        ("Ada Lovelace", "ada@example.com"),
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
        ("Claude", "ada@example.com"),
    ]
    matchers = [(rule, _matcher(rule.name, False), _matcher(rule.email, True)) for rule in rules]
    recognise = recognizer(rules[:3]).recognise
    for name, email in identities:
        expected = next((rule for rule, by_name, by_email in matchers if by_name(name) and by_email(email)), None)
        assert recognise(name, email) == expected, (name, email)
    assert recognise("Ada Lovelace", "ada@example.com") is None
    assert recognise("Ada", "ops-nightly@example.com") == rules[1]
