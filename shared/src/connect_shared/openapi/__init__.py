"""The one OpenAPI 3.1 document of the whole API (contract 2.6): each service describes its own
routes as a :class:`~connect_shared.openapi.builders.ApiPart` built from its request and response
models, ``deploy/openapi.py`` composes the parts into ``document.json`` (a test fails when it is
stale), and :mod:`connect_shared.openapi.serving` serves it with its reference page."""
