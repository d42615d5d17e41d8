"""Kafka consumers of the stats service: the faust application and its agent."""
