"""A virtual pressure mat wired like the real one: 74HC595 row drive, CD74HC4067 column muxes.

:class:`VirtualTaxelMat` listens to the GPIO writes the firmware's own
drivers make (``firmware.taxels.ShiftRegisterRows`` clocking a walking bit,
``MuxTaxelMatrix`` setting the select lines) and answers the ADC reads of
the column pins with what that taxel reads now: a per-taxel baseline, slow
drift and noise, plus the pressure a scripted hand puts on it
(:mod:`sensors.touch.grid_hands`) times the taxel's sensitivity. A read with
no row driven, or two, reads the floor, as the wiring would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from sensors.touch.skin import TaxelGrid

Array = npt.NDArray[Any]
GridPressureFunction = Callable[[int], Array]
ADC_MAX = 65535


class VirtualTaxelMat:
    """The mat, its shift registers and multiplexers, for one board ``grids`` entry.

    ``conf`` is the profile's grid entry (``firmware.boards.BACK_GRID``): its
    pins say which GPIO writes and ADC reads belong to the mat.
    ``pressure(t_ms)`` gives [rows, cols] of 0..1 (1 = a firm palm).
    """

    def __init__(
        self,
        conf: dict[str, Any],
        pressure: GridPressureFunction | None,
        clock_ms: Callable[[], int],
        seed: int = 0,
        *,
        base_counts: tuple[float, float] = (1500.0, 4000.0),
        noise_counts: float = 120.0,
        gain_counts: float = 60000.0,
        gain_spread: float = 0.15,
    ) -> None:
        self.rows = int(conf["rows"])
        self.cols = int(conf["cols"])
        drive = conf["row_drive"]
        self._data, self._clock, self._latch = drive["data"], drive["clock"], drive["latch"]
        mux = conf["mux"]
        self._select = tuple(mux["select"])
        self._adc_pins = tuple(mux["adc_pins"])
        self._channels = int(mux.get("channels", 16))
        stages = 8 * ((self.rows + 7) // 8)  # whole 74HC595s
        self._shift = [0] * stages
        self._driven: list[int] = []  # the rows the registers' outputs drive high
        self._levels: dict[int, int] = {}
        self._channel = 0
        self.pressure = pressure
        self.clock_ms = clock_ms
        rng = np.random.default_rng(seed)
        self._rng = rng
        self._base = rng.uniform(*base_counts, (self.rows, self.cols))
        self._gain = gain_counts * rng.uniform(1 - gain_spread, 1 + gain_spread, self.base_shape)
        self.noise_counts = noise_counts
        self._at_ms = -1
        self._now: Array = self._base
        self.reads = 0

    @property
    def base_shape(self) -> tuple[int, int]:
        """(rows, cols)."""
        return (self.rows, self.cols)

    @classmethod
    def for_grid(
        cls,
        conf: dict[str, Any],
        grid: TaxelGrid,
        pressure: GridPressureFunction | None,
        clock_ms: Callable[[], int],
        seed: int = 0,
    ) -> VirtualTaxelMat:
        """A mat for ``conf`` after checking it has the brain's grid's shape."""
        if (conf["rows"], conf["cols"]) != grid.shape:
            raise ValueError(f"board grid is {conf['rows']} x {conf['cols']}, not {grid.shape}")
        return cls(conf, pressure, clock_ms, seed)

    # -- the GPIO side ---------------------------------------------------------

    def pin_written(self, gpio: int, level: int) -> None:
        """A GPIO write; the mat's pins shift, latch and select."""
        before = self._levels.get(gpio, 0)
        self._levels[gpio] = level
        if gpio == self._clock and level and not before:
            self._shift = [self._levels.get(self._data, 0), *self._shift[:-1]]
        elif gpio == self._latch and level and not before:
            self._driven = [r for r in range(self.rows) if self._shift[r]]
        elif gpio in self._select:
            self._channel = sum(
                self._levels.get(pin, 0) << bit for bit, pin in enumerate(self._select)
            )

    def readers(self) -> dict[int, Callable[[], int]]:
        """ADC readers by GPIO, for ``FakeMachine.analog_readers``."""
        return {pin: self._reader(i) for i, pin in enumerate(self._adc_pins)}

    def _reader(self, mux: int) -> Callable[[], int]:
        def read_u16() -> int:
            return self.read(mux)

        return read_u16

    def read(self, mux: int) -> int:
        """What multiplexer ``mux``'s ADC reads now (0..65535)."""
        self.reads += 1
        col = mux * self._channels + self._channel
        driven = self._driven
        if len(driven) != 1 or col >= self.cols:
            return int(max(0.0, self._rng.normal(200.0, self.noise_counts)))
        value = self._frame()[driven[0], col] + self._rng.normal(0.0, self.noise_counts)
        return int(min(ADC_MAX, max(0.0, value)))

    def _frame(self) -> Array:
        """Every taxel's noiseless reading now (computed once per instant)."""
        now = self.clock_ms()
        if now != self._at_ms:
            self._at_ms = now
            frame = self._base
            if self.pressure is not None:
                frame = self._base + np.clip(self.pressure(now), 0.0, 1.5) * self._gain
            self._now = frame
        return self._now

    # -- a pin object for firmware built without FakeMachine -----------------

    def pin(self, gpio: int) -> MatPin:
        """A GPIO of the mat, to hand to the firmware's drivers directly."""
        return MatPin(self, gpio)

    def adc(self, gpio: int) -> MatAdc:
        """The ADC on one of the mat's column pins."""
        return MatAdc(self, self._adc_pins.index(gpio))


class MatPin:
    """One GPIO wired to the mat (``value(level)`` as ``machine.Pin``)."""

    OUT = 1

    def __init__(self, mat: VirtualTaxelMat, gpio: int) -> None:
        self.mat = mat
        self.id = gpio
        self.level = 0

    def value(self, level: int | None = None) -> int:
        """Drive the pin (or read back what was driven)."""
        if level is not None:
            self.level = 1 if level else 0
            self.mat.pin_written(self.id, self.level)
        return self.level


class MatAdc:
    """The ADC on a column multiplexer's output (``read_u16`` as ``machine.ADC``)."""

    def __init__(self, mat: VirtualTaxelMat, mux: int) -> None:
        self.mat = mat
        self.mux = mux

    def read_u16(self) -> int:
        """One conversion."""
        return self.mat.read(self.mux)


class MatMachine:
    """Just the ``machine`` that ``firmware.main.build_grid`` needs: the mat's pins and ADCs."""

    def __init__(self, mat: VirtualTaxelMat) -> None:
        class Pin(MatPin):
            def __init__(self, gpio: int, mode: int = -1) -> None:
                super().__init__(mat, gpio)

        self.Pin = Pin

        def adc(pin: MatPin) -> MatAdc:
            return mat.adc(pin.id)

        self.ADC = adc


def board_grid_conf(grid: TaxelGrid, first_gpio: int = 100) -> dict[str, Any]:
    """A board ``grids`` entry for ``grid``: the reference wiring, sized to fit any shape.

    The shape and rate are the grid's; the pins are numbers of the simulated
    board (from ``first_gpio`` on), as many multiplexers as the columns need.
    """
    from firmware import boards

    conf = dict(boards.BACK_GRID)
    muxes = (grid.cols + 15) // 16
    conf.update(
        rows=grid.rows,
        cols=grid.cols,
        rate_hz=max(1, round(grid.rate_hz)),
        row_drive={
            "kind": "shift595",
            "data": first_gpio,
            "clock": first_gpio + 1,
            "latch": first_gpio + 2,
        },
        mux={
            "select": tuple(range(first_gpio + 3, first_gpio + 7)),
            "adc_pins": tuple(range(first_gpio + 7, first_gpio + 7 + muxes)),
            "channels": 16,
        },
        settle_us=0,
    )
    return conf
