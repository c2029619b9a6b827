"""What the brain drives: the body link, the joint model, sound players and the speaker."""
