"""Detection rules as data (Sigma-style YAML), compiled into predicates over records of one stream."""
