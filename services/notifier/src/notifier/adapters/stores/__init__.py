"""Redis and Kafka implementations of the notifier's ports."""
