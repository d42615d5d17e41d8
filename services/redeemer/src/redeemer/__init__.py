"""Connect redeemer service."""
