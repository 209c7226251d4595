"""The generated messages (protos/gen/python), importable once `load()` put them on sys.path.

Importing the modules also registers every message in protobuf's default symbol database, which
is where temporalio's converter looks a payload's `messageType` up.
"""

from __future__ import annotations

import importlib
import pathlib
import sys


def load(gen_dir: pathlib.Path) -> None:
    if not gen_dir.is_dir():
        raise SystemExit(f"{gen_dir}: no generated Python code; run `npm run proto`")
    if str(gen_dir) not in sys.path:
        sys.path.insert(0, str(gen_dir))
    for module in sorted(gen_dir.rglob("*_pb2.py")):
        importlib.import_module(".".join(module.relative_to(gen_dir).with_suffix("").parts))
