"""Redis and Kafka implementations of the issuer's ports."""
