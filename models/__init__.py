"""Reference models, data loading, training and evaluation."""
