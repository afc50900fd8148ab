"""The Ed25519 key that signs anchors and ledger heads, kept outside the database.

Whoever can write to the database can recompute a SHA-256 chain; they cannot sign without the
private key, which lives in a file (``JIFEN_ANCHOR_KEY``) the database never holds. Verification
uses the public key given in the deployment's settings (``JIFEN_ANCHOR_PUBLIC_KEY``), so a
checker does not have to trust a file that sits next to the data. A laptop or a test run that
configured nothing gets a key generated under the data directory on first use; ``jifen check
--deploy`` warns about that (jifen/core/checks.py).
"""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class AnchorKeyError(Exception):
    """The key cannot be read or the configured keys do not match, said in Chinese."""


def private_key_path() -> Path:
    return Path(settings.JIFEN_ANCHOR_KEY)


def key_generate(path: Path) -> Ed25519PrivateKey:
    """Write a new private key to ``path`` (mode 0600) unless one is there; return the key there.
    Several processes may start at once on a new install: each writes a whole file of its own and
    links it into place, so nobody reads half a key and all end with the one that won."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        mine = path.with_name(f"{path.name}.{os.getpid()}.new")
        fd = os.open(mine, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        try:
            os.link(mine, path)
        except FileExistsError:
            pass
        finally:
            mine.unlink()
    return _load_private(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load_private(path: str, _mtime: int) -> Ed25519PrivateKey:
    # Cached per file and modification time: every append signs its head (tens of µs), and
    # loading the PEM each time would cost more than the signature.
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise AnchorKeyError(f"无法读取锚点私钥 {path}：{error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise AnchorKeyError(f"锚点私钥 {path} 不是 Ed25519 密钥")
    return key


def private_key() -> Ed25519PrivateKey:
    """The signing key: the configured file, generated there on first use when it is absent —
    unless a public key is configured: a new key would sign what that key can never verify."""
    path = private_key_path()
    if not path.exists():
        if settings.JIFEN_ANCHOR_PUBLIC_KEY:
            raise AnchorKeyError(
                f"锚点私钥 {path} 不存在，而设置了公钥 JIFEN_ANCHOR_PUBLIC_KEY："
                "请把私钥放回（从离线保存的副本），或检查 JIFEN_ANCHOR_KEY 的路径"
            )
        return key_generate(path)
    return _load_private(str(path), path.stat().st_mtime_ns)


def public_text(key: Ed25519PublicKey) -> str:
    """The public key as one line of base64 (32 raw bytes): what settings and anchors hold."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_parse(text: str) -> Ed25519PublicKey:
    """A public key given as PEM or as the base64 of its 32 raw bytes."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
            if not isinstance(key, Ed25519PublicKey):
                raise AnchorKeyError("JIFEN_ANCHOR_PUBLIC_KEY 不是 Ed25519 公钥")
            return key
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError) as error:
        raise AnchorKeyError(f"JIFEN_ANCHOR_PUBLIC_KEY 无法读取：{error}") from error


def public_key() -> Ed25519PublicKey:
    """The key that verification trusts: the one in settings, else (a laptop, tests) the public
    half of the private key file. A private key that does not match the configured public key
    is a problem named at once: anything it signed would fail verification."""
    configured = settings.JIFEN_ANCHOR_PUBLIC_KEY
    if not configured:
        return private_key().public_key()
    key = public_parse(configured)
    path = private_key_path()
    if path.exists() and public_text(private_key().public_key()) != public_text(key):
        raise AnchorKeyError(
            f"锚点私钥 {path} 与设置中的公钥 JIFEN_ANCHOR_PUBLIC_KEY 不是一对："
            "用它签的锚点和链头都无法核对"
        )
    return key


def sign(message: bytes) -> bytes:
    return private_key().sign(message)


def signed_by(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
