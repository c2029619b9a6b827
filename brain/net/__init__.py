"""The brain split over boards and a household of pets, on Zenoh.

* :mod:`brain.net.schema`: the one versioned wire schema (key expressions,
  typed messages, a strict decoder that counts and drops bad payloads);
* :mod:`brain.net.convert`: observations to messages and back, by age;
* :mod:`brain.net.session`: Zenoh sessions from ``robot.yaml``'s ``network``;
* :mod:`brain.net.perception`: the perception node's publisher;
* :mod:`brain.net.core`: the core's :class:`~brain.net.core.RemotePerception`;
* :mod:`brain.net.state`: owner emotion and state summaries for household views;
* :mod:`brain.net.roles`: ``petbrain run --role core|perception|dashboard``.
"""
