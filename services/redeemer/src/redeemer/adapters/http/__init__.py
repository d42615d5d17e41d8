"""The redeemer's HTTP adapter: request parsing and the domain-exception table."""
