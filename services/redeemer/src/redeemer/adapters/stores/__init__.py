"""Redis and Kafka implementations of the redeemer's ports."""
