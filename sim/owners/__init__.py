"""Simulated owners (personas) that answer the pet, for closed-loop learning runs.

- :mod:`sim.owners.persona`: the persona YAML format (see ``docs/simulator.md``);
- :mod:`sim.owners.owner`: a persona living its days and answering;
- :mod:`sim.owners.loop`: the robot's brain with owner memory against it, day after day;
- :mod:`sim.owners.report`: what it learned, measured (the report JSON and the plot).
"""
