"""The use cases the command line and the server share, over the strategy, the store and the clock."""
