"""Real images for camera tests: photos that ship inside installed packages, and FER2013."""

from __future__ import annotations

from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pytest

FER = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "fer2013"


@pytest.fixture(scope="session")
def portrait() -> np.ndarray:
    """Grace Hopper's portrait (matplotlib sample data), BGR."""
    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    image = cv2.imread(str(path))
    assert image is not None, path
    return image


@pytest.fixture(scope="session")
def no_face() -> np.ndarray:
    """A real picture without a face: matplotlib's logo sample."""
    path = Path(matplotlib.get_data_path()) / "sample_data" / "logo2.png"
    image = cv2.imread(str(path))
    assert image is not None, path
    return image


@pytest.fixture(scope="session")
def fer_root() -> Path:
    """The shared FER2013 folder, or skip with the reason."""
    if not (FER / "publictest").is_dir():
        pytest.skip(f"FER2013 not found at {FER} (shared data absent)")
    return FER
