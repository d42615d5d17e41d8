"""The notifier's adapters: HTTP handlers in, Kafka and Redis out."""
