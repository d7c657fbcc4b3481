"""A deterministic sample organisation for `charter demo`: a strategy repository of a made-up
company, small or large, with governance flaws planted where `charter check` should find them."""

from charter.sample.generate import GenerationSummary, generate_organization
from charter.sample.profiles import LARGE, PROFILES, SMALL, SizeProfile

__all__ = ["LARGE", "PROFILES", "SMALL", "GenerationSummary", "SizeProfile", "generate_organization"]
