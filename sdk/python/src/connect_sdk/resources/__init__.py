"""One class per collection of the API; each method is one route (contract 2.1 to 2.6)."""

from connect_sdk.resources.connections import Connections
from connect_sdk.resources.events import Events
from connect_sdk.resources.share_tokens import ShareTokens
from connect_sdk.resources.source_objects import SourceObjects
from connect_sdk.resources.webhooks import Webhooks
from connect_sdk.resources.workflows import Workflows

__all__ = ["Connections", "Events", "ShareTokens", "SourceObjects", "Webhooks", "Workflows"]
