"""A stream of the run's events, one JSON object per line, for ``genspec check``'s parent process.

``genspec check`` runs the suite in a child process and writes the report itself from this stream,
so that a run the implementation ends early (``os._exit``, a crash, a kill) is still reported, with
the check that was running. Each line is flushed to the operating system as it is written, so it
survives the process ending without cleanup. Events: ``start`` (the collected checks, versions,
the contract names missing), ``begin`` (a check starts), ``result`` (its entry, as in the report),
``finish`` (the exit status), and ``error`` (the implementation could not be loaded).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any


class Events:
    """Appends events to a JSON-lines file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = self.path.open("a", encoding="utf-8")

    def emit(self, event: str, **data: Any) -> None:
        self._file.write(json.dumps({"event": event, **data}, default=str) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def read(path: str | Path) -> list[dict[str, Any]]:
    """Every complete event in ``path`` (a torn last line, from a process killed mid-write, is dropped)."""
    events = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    for line in text.splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events
