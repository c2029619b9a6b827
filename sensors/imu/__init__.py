"""Handling: how the pet is being held, from the IMU summary and events the body sends."""

from sensors.imu.events import HANDLING, HandlingEvent
from sensors.imu.handling import HandlingDetector, HandlingThresholds

__all__ = ["HANDLING", "HandlingDetector", "HandlingEvent", "HandlingThresholds"]
