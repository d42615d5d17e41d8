"""Outbound stores of the stats service: the Redis tally view."""
