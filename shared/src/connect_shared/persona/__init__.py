"""Persona wire compatibility (contract section 2.8).

A request with ``Persona-Version: 2025-12-08`` (or of an organization whose default is that
version) is answered in the shapes Persona's published API declares for share tokens,
connections, events and webhooks. The routes stay the same: this package is a rendering layer
over Connect's own documents (:mod:`.render`), chosen per request by :mod:`.middleware`.
"""
