"""Ed25519 keys of the seal log: the pipeline signs with a private key, auditors check
with the public key only. Keys are PEM files, as `openssl genpkey -algorithm ed25519`
writes them, so either side can use openssl instead of this project."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

from orchestration.settings import evidence_signing_key_file


class KeyFileError(ValueError):
    """A key file that is missing, unreadable or not an Ed25519 key of the expected kind."""


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"cannot read key file {path}: {error.strerror}") from error


def load_private_key(path: Path) -> Ed25519PrivateKey:
    data = _read(path)
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise KeyFileError(
            f"{path} is not an unencrypted PEM private key ({error.__class__.__name__})"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    data = _read(path)
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError) as error:
        raise KeyFileError(
            f"{path} is not a PEM public key ({error.__class__.__name__})"
        ) from error
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, not an Ed25519 public key")
    return key


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message)).decode("ascii")


def signature_matches(key: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def configured_signing_key() -> Ed25519PrivateKey | None:
    """The key COMPLIANCE_EVIDENCE_SIGNING_KEY names, or None when none is configured;
    KeyFileError when the file cannot be read as one."""
    key_file = evidence_signing_key_file()
    return load_private_key(key_file) if key_file else None
