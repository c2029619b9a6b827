"""Benchmark groups that need the virtual body (link, latency, start-up, simulator).

Registered through the ``petbrain.bench`` entry point: ``brain`` never imports ``sim``.
"""
