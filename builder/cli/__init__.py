"""The ``handbook`` command line: one module per command group, each calling the library."""

from builder.cli.main import main

__all__ = ["main"]
