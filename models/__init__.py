"""petbrain models."""
