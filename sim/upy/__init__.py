"""Code that runs inside the MicroPython body process (``petbrain sim --body micropython``)."""
