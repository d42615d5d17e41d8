"""Kafka subscribers and timers of the issuer: each hands its input to one use case."""
