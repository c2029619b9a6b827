"""petbrain brain."""
