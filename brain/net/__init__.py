"""The brain split over boards and a household of pets, on Zenoh.

:mod:`brain.net.schema` is the one versioned wire schema (key expressions and
typed messages); :mod:`brain.net.session` opens Zenoh sessions from
``robot.yaml``; :mod:`brain.net.perception` publishes observations and
:mod:`brain.net.core` receives them on the core board.
"""
