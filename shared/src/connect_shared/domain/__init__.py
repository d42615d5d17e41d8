"""Business rules both the issuer and the redeemer apply (no I/O, no HTTP): which organization
sees a share token and in which status, and how a workflow trigger matches an event. Rules only
one service applies live in that service's ``domain/``."""
