"""HTTP plumbing shared by the services: middlewares, health, metrics and the app factory."""
