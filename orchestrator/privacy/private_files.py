"""Files Rota writes outside its data folder (`rota links --out`, `rota certificates --out`,
`rota agenda --out`) hold personal links and names: readable by their owner only (0600,
folders made 0700), whatever the umask, also when the file was there before."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        os.fchmod(out.fileno(), 0o600)  # an existing file keeps its mode otherwise
        out.write(data)


def private_folder(path: Path) -> None:
    """The folder, made 0700 if it is new (one that exists is the user's own choice)."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
        path.chmod(0o700)
