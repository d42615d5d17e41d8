"""Inbound (faust agent, HTTP routes) and outbound (tables, Redis view) adapters."""
