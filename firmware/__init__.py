"""Body firmware (MicroPython). Also importable under CPython by the brain and the simulator."""
