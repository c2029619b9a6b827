"""petbrain behaviors."""
