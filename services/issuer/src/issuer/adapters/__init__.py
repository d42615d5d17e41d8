"""The issuer's adapters: HTTP handlers in, Kafka and Redis out."""
