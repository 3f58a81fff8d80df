"""`python -m pipelines.cli`: the same as the `bounceback` command."""

import sys

from pipelines.cli.entry import main

sys.exit(main())
