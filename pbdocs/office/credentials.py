"""Passwords hashed with scrypt (stdlib), and random tokens kept only as their SHA-256."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["hash_password", "verify_password", "new_token", "token_digest"]

# scrypt cost: 16 MiB of memory and ~50 ms per guess on an office machine (RFC 7914 recommends
# N=2**14, r=8 for interactive logins).
_N, _R, _P = 2 ** 14, 8, 1
_SCHEME = "scrypt"
# A hash compared against when the user does not exist, so a login takes as long either way.
_DUMMY_SALT = b"pbdocs-no-such-user"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash``: the parameters travel with the hash, so they can grow later."""
    salt = secrets.token_bytes(16)
    return "$".join([_SCHEME, str(_N), str(_R), str(_P), _b64(salt), _b64(_scrypt(password, salt, _N, _R, _P))])


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored``; ``None`` (no such user) costs the same and is False."""
    if stored is None:
        _scrypt(password, _DUMMY_SALT, _N, _R, _P)
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        computed = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


def new_token(prefix: str) -> str:
    """A random secret, 256 bits; the prefix tells a reader what it is (``pbdocs-api-``...)."""
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database keeps of a token: a leaked database gives no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
