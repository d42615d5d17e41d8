"""The stats API: ``GET /api/v1/connect/share-token-stats``."""
