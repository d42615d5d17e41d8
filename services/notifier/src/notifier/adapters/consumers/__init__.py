"""Kafka subscribers of the notifier."""
