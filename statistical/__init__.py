"""Statistical tests of the samplers, each with a stated statistic, sample size, alpha and power."""
