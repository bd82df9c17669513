"""The register's key: ID numbers sealed with AES-GCM, names/phones/IDs found by keyed HMAC.

The key lives in a file outside the database (``<data dir>/register.key``, or
``HANDBOOK_REGISTER_KEY_FILE``), made on first use with mode 0600, and refused when group or
others can read it. A copy of the database without the key reveals no ID number and no
searchable name or phone; the key without the database reveals nothing. **Back the key file
up separately**: without it, sealed ID numbers cannot be read and exact lookups find nothing.

The file holds one random 32-byte master key (base64). Two keys are derived from it with
HKDF-SHA256: one for AES-GCM (each blob: version byte, 12-byte random nonce, ciphertext and
tag; the record's number is the associated data, so a blob copied to another record does not
open) and one for HMAC-SHA256, truncated to 16 bytes, over ``kind + NUL + normalised value``.

The database remembers a check value of the key (``meta.key_check``): opening it with
another key file is refused instead of writing records that the right key could not read.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import ConfigError

HEADER = "handbook-register-key v1"
_BLOB_VERSION = b"\x01"
DIGEST_BYTES = 16


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


class Keyring:
    """Seal/open ID numbers and compute blind-index digests with one master key."""

    def __init__(self, master: bytes):
        if len(master) != 32:
            raise ConfigError("register key: expected 32 bytes")
        self._aead = AESGCM(_derive(master, b"handbook-register/aes-gcm"))
        self._mac_key = _derive(master, b"handbook-register/hmac")

    # --- the file ---------------------------------------------------------------
    @classmethod
    def load_or_create(cls, path: Path) -> Keyring:
        """Read the key file, making it (0600, atomically) when it does not exist yet."""
        path = Path(path)
        if not path.exists():
            cls._create(path)
        try:
            st = path.stat()
            if st.st_mode & 0o077:
                raise ConfigError(f"{path}: the register key file is readable by others "
                                  f"(mode {stat.filemode(st.st_mode)}); run chmod 600 {path}")
            lines = path.read_text(encoding="ascii").split()
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: cannot read the register key file ({e})") from None
        try:
            if lines[:2] != HEADER.split() or len(lines) != 3:
                raise ValueError
            master = base64.b64decode(lines[2], validate=True)
        except ValueError:
            raise ConfigError(f"{path}: not a register key file") from None
        return cls(master)

    @staticmethod
    def _create(path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="ascii") as f:
                    f.write(f"{HEADER}\n{base64.b64encode(secrets.token_bytes(32)).decode()}\n")
                    f.flush()
                    os.fsync(f.fileno())
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, path)  # atomic, and refuses to replace a key another process made
            finally:
                os.unlink(tmp)
        except OSError as e:
            raise ConfigError(f"{path}: cannot create the register key file ({e.strerror or e})") from None

    # --- use ----------------------------------------------------------------------
    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return _BLOB_VERSION + nonce + self._aead.encrypt(nonce, plaintext, aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        if not blob or blob[:1] != _BLOB_VERSION:
            raise ConfigError("sealed data of an unknown version")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], aad)
        except InvalidTag:
            raise ConfigError("sealed data does not open with this key file (wrong key, or tampered)") from None

    def digest(self, kind: str, normalized: str) -> bytes:
        msg = kind.encode() + b"\0" + normalized.encode("utf-8")
        return hmac.new(self._mac_key, msg, hashlib.sha256).digest()[:DIGEST_BYTES]

    def check_value(self) -> str:
        """A short fingerprint the database keeps, to refuse a different key file."""
        return hmac.new(self._mac_key, b"handbook-register/key-check", hashlib.sha256).hexdigest()[:16]
