"""Connect shared library: contracts and plumbing used by every service."""
