"""petbrain sim."""
