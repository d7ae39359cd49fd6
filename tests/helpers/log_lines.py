"""The log lines that used to mislead a user (issue 21), found in a tap's or Meltano's log."""

from __future__ import annotations

import re
from collections import Counter

CONTRADICTIONS = (
    "Stream is assumed to be unsorted",  # the tap's checkpoints do resume
    "Skipping parse of env var settings",  # Meltano passes TAP_FORTNOX_* in the config file
    "Pagination stopped after 0 pages",  # an empty incremental list is normal
)
BEGINNING = re.compile(r"(\[tenant \S+\] )?Beginning sync of '(\w+)'")


def misleading_lines(log: str) -> list[str]:
    """Every line that contradicts the tap, every METRIC line that does not name its stream,
    and every repeated "Beginning sync of '<stream>'" (of one company)."""
    found = [line for line in log.splitlines() if any(c in line for c in CONTRADICTIONS)]
    found += [line for line in log.splitlines() if "METRIC" in line and '"stream":"' not in line]
    begun = Counter(m.group(0) for m in BEGINNING.finditer(log))
    found += [f"{text} ({n} times)" for text, n in begun.items() if n > 1]
    return found
