"""petbrain sensors."""
