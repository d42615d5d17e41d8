"""The redeemer's domain: rules without I/O."""
