"""Signing keys live in a directory: created on first start, rotated, old ones still published."""

from __future__ import annotations

from pathlib import Path

import pytest

from redeemer.adapters.key_directory import KeyDirectory, KeyRing
from redeemer.domain.attestation import verify

pytestmark = pytest.mark.integration


def test_first_start_creates_one_private_key_file(tmp_path: Path) -> None:
    directory = KeyDirectory(tmp_path / "keys")
    keys = directory.ensure()
    (only,) = directory.key_files()
    assert only.stat().st_mode & 0o077 == 0
    assert [k["kid"] for k in keys.jwks()["keys"]] == [keys.active.kid]
    assert directory.ensure().active.kid == keys.active.kid


def test_rotation_signs_with_the_new_key_and_keeps_publishing_the_old(tmp_path: Path) -> None:
    directory = KeyDirectory(tmp_path / "keys")
    ring = KeyRing(directory)
    old = ring.current.active.kid
    signed_before = ring.sign(b"{}")
    new = directory.rotate()
    assert ring.refresh()
    assert ring.current.active.kid == new != old
    assert [k["kid"] for k in ring.current.jwks()["keys"]] == [new, old]
    assert verify(signed_before, ring.current.public) == b"{}"
    assert not ring.refresh()


def test_retiring_removes_an_old_key_but_never_the_active_one(tmp_path: Path) -> None:
    directory = KeyDirectory(tmp_path / "keys")
    old = directory.ensure().active.kid
    new = directory.rotate()
    with pytest.raises(ValueError):
        directory.retire(new)
    directory.retire(old)
    assert list(directory.load().public) == [new]
