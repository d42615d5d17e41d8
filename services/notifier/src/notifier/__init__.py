"""Connect notifier service."""
