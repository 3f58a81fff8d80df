"""`python -m pipelines.cli`: the same as the `bounceback` command."""

import sys

from pipelines.cli.commands import main

sys.exit(main())
