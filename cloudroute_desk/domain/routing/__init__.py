"""Which partner gets an inquiry: the ranking values, the sample-size-aware close rates of the
routing index, the score with its gates, and the batch suggestion values."""
