"""Setting up a physical pet: robot.yaml, devices, calibration, service, firmware tools."""
