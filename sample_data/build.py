"""Regenerate the committed sample files: ``python -m sample_data.build``.

Writes ``sample_data/<persona>.csv`` and ``sample_data/<persona>.truth.json`` for every persona,
each from its own fixed seed and the fixed as-of date, so the output is byte-for-byte stable.
"""

from __future__ import annotations

import datetime
import pathlib

from sample_data.generator import PERSONAS, write_sample

AS_OF = datetime.date(2026, 11, 1)
# One fixed seed per persona. Persona k searched seeds 20261101 + 1000 * k upwards and took the
# first whose ~150-row file shows its planted failure clearly and no accidental one (e.g. no
# chance gap between resume versions, no silent industry, at least one offer) - a small sample
# can otherwise mislead a reader of the demo. The large-n tests check the model itself.
BUILD_SEEDS: dict[str, int] = {
    "healthy": 20261102,
    "spray_and_pray": 20262133,
    "resume_gap": 20263105,
    "wrong_industry": 20264102,
    "interview_stall": 20265102,
    "no_follow_up": 20266104,
    "advisor_caseload": 20267100,
}
SAMPLE_DIR = pathlib.Path(__file__).resolve().parent


def sample_path(persona: str, directory: pathlib.Path = SAMPLE_DIR) -> pathlib.Path:
    return directory / f"{persona}.csv"


def build(directory: pathlib.Path = SAMPLE_DIR) -> list[pathlib.Path]:
    """Write every persona's CSV and truth file into ``directory``; return the CSV paths."""
    written = []
    for persona in PERSONAS:
        out = sample_path(persona, directory)
        write_sample(persona, out, seed=BUILD_SEEDS[persona], as_of=AS_OF)
        written.append(out)
    return written


def main() -> None:
    for path in build():
        print(f"wrote {path.relative_to(SAMPLE_DIR.parent)} and {path.with_suffix('.truth.json').name}")


if __name__ == "__main__":
    main()
