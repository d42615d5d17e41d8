"""Connect issuer service."""
