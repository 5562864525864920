"""`python -m seekwire` runs the command line."""

from seekwire.cli import cli

cli(prog_name="seekwire")
