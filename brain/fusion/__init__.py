"""Owner-emotion fusion: per-modality observations -> one ``OwnerEmotion``."""
