"""Exit codes and the usage error, shared by every command.

0 done (valid), 1 invalid data (the problems are reported), 2 usage or environment error (a
one-line message). Stopped by a signal: 128 + its number.
"""

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command was asked for something it cannot do: exit 2 with the message."""
