"""Scripts that fit and diagnose the answer engine's thresholds on development sets."""
