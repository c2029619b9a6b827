"""Media the simulator is handed (uploads, scenario files), decoded in memory with limits.

The header of an image is checked before a pixel is decoded and a wav's
length before a sample is read, so a small hostile file cannot make the
simulator allocate gigabytes. Nothing here writes anything anywhere.
"""

from __future__ import annotations

import io
import wave

import numpy as np
import numpy.typing as npt

from brain.errors import UserError
from sensors.audio.sources import resample

Frame = npt.NDArray[np.uint8]
Samples = npt.NDArray[np.float32]


# An uploaded photo is decoded only when its header declares at most this many
# pixels (a 0.4 MB PNG declaring 20000 x 20000 decoded to 1.2 GB).
MAX_IMAGE_PIXELS = 4096 * 4096


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG, JPEG, BMP or GIF header; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:2] == b"BM" and len(data) >= 26:
        width = int.from_bytes(data[18:22], "little", signed=True)
        height = int.from_bytes(data[22:26], "little", signed=True)
        return abs(width), abs(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 <= len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height = int.from_bytes(data[i + 5 : i + 7], "big")
                return int.from_bytes(data[i + 7 : i + 9], "big"), height
            i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return None


def decode_image(data: bytes) -> Frame:
    """Uploaded image bytes (JPEG, PNG, BMP, GIF) as a BGR frame, in memory only.

    The header's size is checked before anything is decoded.
    """
    import cv2

    if not data:
        raise UserError("the image is empty")
    size = image_size(data)
    if size is None:
        raise UserError("not a JPEG, PNG, BMP or GIF image")
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise UserError(
            f"image of {width} x {height} pixels is over the limit of {MAX_IMAGE_PIXELS} pixels"
        )
    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if frame is None:
        raise UserError("not an image OpenCV can read (JPEG, PNG, BMP...)")
    return np.asarray(frame, dtype=np.uint8)


# A voice played to the pet from the dashboard lasts at most this long (the
# header is checked before the samples are read: three 30 MB low-rate wavs
# once took the simulator to 4.4 GB).
MAX_WAV_S = 60.0
MAX_WAV_CHANNELS = 8


def decode_wav(data: bytes) -> Samples:
    """A PCM wav file's bytes (8/16/32-bit, any rate, any channels) as 16 kHz mono float32."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            frames = wav.getnframes()
            if rate < 4000 or not 1 <= channels <= MAX_WAV_CHANNELS:
                raise UserError(f"wav at {rate} Hz with {channels} channels is not usable")
            if frames > MAX_WAV_S * rate:
                raise UserError(f"wav of {frames / rate:.0f} s is over the {MAX_WAV_S:.0f} s limit")
            raw = wav.readframes(frames)
    except (wave.Error, EOFError) as error:
        raise UserError(f"not a readable PCM wav file ({error})") from error
    if width == 1:
        values = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        values = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    elif width == 4:
        values = (np.frombuffer(raw, "<i4").astype(np.float64) / 2.0**31).astype(np.float32)
    else:
        raise UserError(f"wav sample width of {width} bytes is not supported (8, 16 or 32 bit)")
    if rate < 4000 or channels < 1:
        raise UserError(f"wav at {rate} Hz with {channels} channels is not usable")
    usable = (values.size // channels) * channels
    mono = values[:usable].reshape(-1, channels).mean(axis=1).astype(np.float32)
    return resample(mono, rate)
