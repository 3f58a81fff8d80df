"""How the whole-file byte scans (encoding checks, transcoding, quote and row scans) step through a file.

A chunk at a time: C-speed work per chunk and bounded extra memory. One setting for every scan, read
when a scan runs, so a test can make the chunks tiny and have every scan cross their boundaries.
"""

from __future__ import annotations

SIZE = 1 << 22  # bytes per step
