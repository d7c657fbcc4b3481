"""A deterministic sample organisation for `charter demo`: a strategy repository of a made-up
company, small or large, with governance flaws planted where `charter check` should find them
(`charter.demo.generate`). The package imports nothing itself, so a command that borrows one
writer does not load the generator."""
