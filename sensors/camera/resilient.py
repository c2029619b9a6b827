"""A camera that may be missing or unplugged: the brain runs on without vision.

:class:`ResilientCamera` wraps any :class:`~sensors.camera.source.CameraSource`.
It never raises: while the camera is away ``read`` returns None, the loss is
logged once (not once per frame), reconnection is retried with a growing
pause, and the return is logged once too.
"""

from __future__ import annotations

import contextlib
import logging

from sensors.camera.source import (
    CameraError,
    CameraInfo,
    CameraSource,
    Clock,
    TimedFrame,
    monotonic_ms,
)

log = logging.getLogger("petbrain.camera")


class ResilientCamera:
    """Keeps a camera going across absence and unplugging; itself a camera source."""

    def __init__(
        self,
        source: CameraSource,
        retry_ms: int = 1000,  # first pause before trying to reconnect
        max_retry_ms: int = 10_000,  # the pause doubles up to this
        clock: Clock = monotonic_ms,
    ) -> None:
        self.source = source
        self._retry_ms = retry_ms
        self._max_retry_ms = max_retry_ms
        self._clock = clock
        self._pause_ms = retry_ms
        self._next_try_ms: int | None = None
        self._connected = False
        self._announced_missing = False
        self.reason: str | None = None  # why vision is off, None while the camera works

    @property
    def info(self) -> CameraInfo:
        """The wrapped source's description."""
        return self.source.info

    @property
    def available(self) -> bool:
        """Whether the camera is connected right now."""
        return self._connected

    def connect(self) -> None:
        """Try once now; on failure, vision stays off and ``read`` keeps retrying."""
        self._try_connect()

    def read(self) -> TimedFrame | None:
        """The newest frame, or None while the camera is missing (retrying in the background)."""
        if not self._connected:
            if self._next_try_ms is not None and self._clock() < self._next_try_ms:
                return None
            if not self._try_connect():
                return None
        try:
            return self.source.read()
        except CameraError as error:
            self._lost(str(error))
            return None

    def disconnect(self) -> None:
        """Release the camera and stop retrying until ``connect`` is called again."""
        if self._connected:
            self.source.disconnect()
        self._connected = False
        self._next_try_ms = None

    def _try_connect(self) -> bool:
        try:
            self.source.connect()
        except CameraError as error:
            self._lost(str(error))
            return False
        if self._announced_missing:
            log.warning("camera %s is back: vision on", self.source.info.name)
        self._connected = True
        self._announced_missing = False
        self._pause_ms = self._retry_ms
        self._next_try_ms = None
        self.reason = None
        return True

    def _lost(self, reason: str) -> None:
        if self._connected:
            with contextlib.suppress(CameraError):
                self.source.disconnect()
        self._connected = False
        self.reason = reason
        if not self._announced_missing:
            log.warning("%s: vision off, the pet carries on; retrying in the background", reason)
            self._announced_missing = True
        self._next_try_ms = self._clock() + self._pause_ms
        self._pause_ms = min(self._pause_ms * 2, self._max_retry_ms)
