"""The notifier's domain: rules without I/O."""
