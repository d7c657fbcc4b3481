"""`python -m charter`: the same command line as the `charter` script."""

from charter.cli.app import main

main()
