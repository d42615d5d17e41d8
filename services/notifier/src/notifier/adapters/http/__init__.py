"""The notifier's HTTP adapter: request models and the domain-exception table."""
