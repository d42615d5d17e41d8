"""What the notifier does for its callers (the API and the dashboard alike), over its ports."""
