"""Provenance signing keys kept as PEM files in a directory (never in Redis, which can be lost).

One file per key, named ``<UTC time>-<kid>.pem`` so names sort by age: the newest key signs,
every key in the directory is published in the JWKS (attestations signed by an older key keep
verifying until an operator retires it). Replicas share the directory (a mounted secret).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from redeemer.domain.attestation import SigningKey, key_id, public_jwk

SUFFIX = ".pem"


@dataclass(frozen=True)
class KeySet:
    """The keys of the directory at one moment."""

    active: SigningKey
    public: dict[str, Ed25519PublicKey]
    names: tuple[str, ...]

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """``/.well-known/jwks.json``: the active key first, then older ones."""
        ordered = sorted(self.public.items(), key=lambda kv: kv[0] != self.active.kid)
        return {"keys": [public_jwk(public) for _, public in ordered]}


class KeyDirectory:
    """Creates, rotates, retires and loads the keys of one directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        with (self.path / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def key_files(self) -> list[Path]:
        """Key files, oldest first."""
        if not self.path.is_dir():
            return []
        return sorted(p for p in self.path.iterdir() if p.name.endswith(SUFFIX))

    def ensure(self) -> KeySet:
        """Load the keys, creating the first one if there is none (safe across processes)."""
        if self.key_files():
            # Provisioned already, possibly as a read-only mounted secret: no lock needed.
            return self.load()
        with self._locked():
            if not self.key_files():
                self._write(Ed25519PrivateKey.generate())
        return self.load()

    def rotate(self) -> str:
        """Add a new key that signs from now on; returns its kid."""
        with self._locked():
            return self._write(Ed25519PrivateKey.generate())

    def retire(self, kid: str) -> Path:
        """Stop publishing an old key (its attestations stop verifying); never the active one."""
        with self._locked():
            files = self.key_files()
            matches = [p for p in files if p.stem.endswith(f"-{kid}")]
            if not matches:
                raise LookupError(f"no key {kid} in {self.path}")
            if matches[0] == files[-1]:
                raise ValueError("the active key cannot be retired; rotate first")
            retired = self.path / "retired"
            retired.mkdir(mode=0o700, exist_ok=True)
            return matches[0].rename(retired / matches[0].name)

    def load(self) -> KeySet:
        """Every key; the newest signs. Raises ``LookupError`` when the directory is empty."""
        files = self.key_files()
        if not files:
            raise LookupError(f"no signing keys in {self.path}")
        keys = [_read(p) for p in files]
        public = {key_id(k.public_key()): k.public_key() for k in keys}
        return KeySet(SigningKey(keys[-1]), public, tuple(p.name for p in files))

    def _write(self, key: Ed25519PrivateKey) -> str:
        kid = key_id(key.public_key())
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path / f"{stamp}-{kid}{SUFFIX}"
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        temporary = self.path / f".{target.name}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.rename(target)
        return kid


def _read(path: Path) -> Ed25519PrivateKey:
    key = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


class KeyRing:
    """The keys a running process signs and publishes with; picks up rotations on refresh."""

    def __init__(self, directory: KeyDirectory) -> None:
        self._directory = directory
        self._current = directory.ensure()

    @property
    def current(self) -> KeySet:
        """The keys as last loaded."""
        return self._current

    def sign(self, payload: bytes) -> str:
        """A compact JWS over ``payload`` with the active key."""
        return self._current.active.sign(payload)

    def refresh(self) -> bool:
        """Reload when the directory's key files changed (blocking I/O: run it in a thread)."""
        names = tuple(p.name for p in self._directory.key_files())
        if not names or names == self._current.names:
            return False
        self._current = self._directory.load()
        return True
