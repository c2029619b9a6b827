"""The running pet: one assembly for robot and simulator, the runtime step, workers, health."""
