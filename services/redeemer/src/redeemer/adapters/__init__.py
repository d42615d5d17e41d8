"""The redeemer's adapters: HTTP handlers in, Kafka and Redis out."""
