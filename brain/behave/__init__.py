"""Choosing and playing behaviours: context, mood, selector, timelines, executor, hot reload."""
