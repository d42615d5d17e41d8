"""The issuer's domain: rules without I/O."""
