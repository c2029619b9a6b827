"""The simulator's commands (``petbrain sim``, ``demo``, ``behaviors play``).

Registered through the ``petbrain.commands`` entry point: ``brain`` never imports ``sim``.
"""
