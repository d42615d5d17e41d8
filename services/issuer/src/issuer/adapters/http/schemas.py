"""Response documents of the issuer's routes as pydantic models: they exist to generate the
OpenAPI response schemas (the answers themselves are rendered by ``connect_shared.views``, and
the schemathesis test checks that both agree). Extra members are allowed: views grow by adding.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from connect_shared.openapi.schemas import Links, Schema, ToMany, ToOne
from connect_shared.records import (
    ConnectionStatus,
    FailureReason,
    RedeemMode,
    SharingLevel,
    TokenStatus,
)

_Schema = Schema


class ShareTokenAttributes(_Schema):
    """Attributes of a share token as one side sees it."""

    status: TokenStatus
    direction: Literal["outbound", "inbound"]
    created_at: str = Field(alias="created-at")
    updated_at: str = Field(alias="updated-at")
    expires_at: str = Field(alias="expires-at")
    pending_at: str | None = Field(alias="pending-at")
    redeemed_at: str | None = Field(alias="redeemed-at")
    failed_at: str | None = Field(alias="failed-at")
    failure_reason: FailureReason | None = Field(alias="failure-reason")
    redeem_mode: RedeemMode | None = Field(alias="redeem-mode")
    source_data: dict[str, Any] | None = Field(
        None,
        alias="source-data",
        description="Only with ?peek-source-data=true (destination): the source object's "
        "fields as the connection's sharing settings allow.",
    )


class ShareTokenRelationships(_Schema):
    """The connection, the shared object and (once redeemed) the destination object."""

    connection: ToOne
    source: ToOne
    destination: ToOne
    creator: ToOne | None = Field(
        None, description="The API key (api-key) or workflow that created the token."
    )


class ShareToken(_Schema):
    """A ``connect/share-token`` resource."""

    type: Literal["connect/share-token"]
    id: str = Field(pattern=r"^cnst_")
    attributes: ShareTokenAttributes
    relationships: ShareTokenRelationships


class ConnectionAttributes(_Schema):
    """Attributes of a connection (both sides see the same)."""

    status: ConnectionStatus
    source_organization_id: str = Field(alias="source-organization-id")
    destination_organization_id: str = Field(alias="destination-organization-id")
    sharing_settings: dict[str, SharingLevel] = Field(alias="sharing-settings")
    created_at: str = Field(alias="created-at")
    updated_at: str = Field(alias="updated-at")


class Connection(_Schema):
    """A ``connect/connection`` resource."""

    type: Literal["connect/connection"]
    id: str = Field(pattern=r"^cxn_")
    attributes: ConnectionAttributes
    relationships: dict[str, ToOne] | None = Field(
        None, description="``creator``: the API key that created the connection."
    )


class SourceObjectAttributes(_Schema):
    """Attributes of an inquiry, account, transaction or verification."""

    status: str
    reference_id: str | None = Field(alias="reference-id")
    fields: dict[str, Any]
    created_at: str = Field(alias="created-at")
    updated_at: str = Field(alias="updated-at")
    redacted: bool = False
    provenance: dict[str, Any] | None = None


class SourceObject(_Schema):
    """An ``inquiry`` / ``account`` / ``transaction`` / ``verification/<kind>`` resource."""

    type: str
    id: str = Field(pattern=r"^(inq|act|txn|ver)_")
    attributes: SourceObjectAttributes
    relationships: dict[str, ToMany] | None = None


class ShareTokenDocument(_Schema):
    """One share token."""

    data: ShareToken


class ShareTokenList(_Schema):
    """A page of share tokens, newest first."""

    data: list[ShareToken]
    links: Links


class ConnectionDocument(_Schema):
    """One connection."""

    data: Connection


class ConnectionList(_Schema):
    """A page of connections, newest first."""

    data: list[Connection]
    links: Links


class SourceObjectDocument(_Schema):
    """One source object."""

    data: SourceObject


class SourceObjectList(_Schema):
    """A page of source objects, newest first."""

    data: list[SourceObject]
    links: Links


class WorkflowAttributes(_Schema):
    """Attributes of a workflow: its trigger (event and filter) and its action."""

    name: str
    enabled: bool
    trigger: dict[str, Any]
    action: dict[str, Any]
    created_at: str = Field(alias="created-at")
    updated_at: str = Field(alias="updated-at")


class Workflow(_Schema):
    """A ``workflow`` resource."""

    type: Literal["workflow"]
    id: str = Field(pattern=r"^wfl_")
    attributes: WorkflowAttributes


class WorkflowDocument(_Schema):
    """One workflow."""

    data: Workflow


class WorkflowList(_Schema):
    """A page of workflows, newest first."""

    data: list[Workflow]
    links: Links


class WorkflowRunAttributes(_Schema):
    """One run: the trigger event, the action, its outcome and the object it made."""

    workflow_id: str = Field(alias="workflow-id")
    trigger_event_id: str = Field(alias="trigger-event-id")
    trigger_event_name: str = Field(alias="trigger-event-name")
    action: str
    outcome: str
    error: dict[str, Any] | None
    object_id: str | None = Field(alias="object-id")
    created_at: str = Field(alias="created-at")


class WorkflowRun(_Schema):
    """A ``workflow-run`` resource."""

    type: str
    id: str
    attributes: WorkflowRunAttributes
    relationships: dict[str, ToOne] | None = None


class WorkflowRunList(_Schema):
    """A page of a workflow's runs, newest first."""

    data: list[WorkflowRun]
    links: Links
