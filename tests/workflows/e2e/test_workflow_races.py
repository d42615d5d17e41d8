"""Concurrent changes of one workflow, and deletes as tombstones (contract "Races"; issue 11)."""

from __future__ import annotations

import pytest

from tests.support.kafka import read_topic
from tests.support.races import TRIALS, at_once, lost_with_status, won
from tests.workflows.world import Connected, create_workflow, share_action, workflow_doc

pytestmark = pytest.mark.e2e


def _patch(**attributes: object) -> dict[str, object]:
    return {"data": {"attributes": attributes}}


async def _new(connected: Connected) -> str:
    doc = workflow_doc("inquiry.completed", share_action(connected.connection_id), name="orig")
    return str((await create_workflow(connected.source.api, doc))["id"])


async def test_two_patches_at_once_keep_both_changes_or_refuse_one_with_409(
    connected: Connected,
) -> None:
    api = connected.source.api
    for _ in range(TRIALS):
        workflow = await _new(connected)
        rename, disable = await at_once(
            lambda w=workflow: api.patch(f"/workflows/{w}", _patch(name="renamed")),
            lambda w=workflow: api.patch(f"/workflows/{w}", _patch(enabled=False)),
        )
        assert won(rename) or won(disable)
        final = (await api.get(f"/workflows/{workflow}")).data["attributes"]
        assert final["name"] == ("renamed" if won(rename) else "orig")
        assert final["enabled"] is (not won(disable))
        for reply in (rename, disable):
            if not won(reply):
                assert lost_with_status(reply, {"enabled", "disabled"}), reply.body
        assert (await api.delete(f"/workflows/{workflow}")).status == 204


async def test_patch_racing_delete_never_brings_the_workflow_back(connected: Connected) -> None:
    api = connected.source.api
    for _ in range(TRIALS // 2):
        workflow = await _new(connected)
        patch, delete = await at_once(
            lambda w=workflow: api.patch(f"/workflows/{w}", _patch(name="renamed")),
            lambda w=workflow: api.delete(f"/workflows/{w}"),
        )
        final = await api.get(f"/workflows/{workflow}")
        if won(delete):
            assert final.status == 404
            assert (
                won(patch) or patch.status == 404 or lost_with_status(patch, {"enabled", "deleted"})
            ), patch.body
        else:
            assert lost_with_status(delete, {"enabled"}), delete.body
            assert won(patch) and final.data["attributes"]["name"] == "renamed"
            assert (await api.delete(f"/workflows/{workflow}")).status == 204


async def test_delete_writes_a_tombstone(connected: Connected) -> None:
    workflow = await _new(connected)
    assert (await connected.source.api.delete(f"/workflows/{workflow}")).status == 204
    written = [value for key, value in await read_topic("connect.state") if key == workflow]
    assert len(written) >= 2 and written[-1] is None
