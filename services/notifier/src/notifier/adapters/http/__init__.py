"""The notifier's HTTP adapter: the domain-exception table."""
