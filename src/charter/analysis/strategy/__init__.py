"""The roadmap under capacity: the plan model built from the strategy, the mixed-integer program
that schedules it, the tradeoffs it implies, and scenarios laid over it."""
