"""Kafka subscribers of the redeemer: each hands its parsed message to one use case."""
