"""The command line: `bounceback COMMAND`."""
