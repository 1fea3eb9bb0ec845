"""Encryption to a PostgreSQL server: the policy, and what the connection actually got.

Policy (``apply_tls_policy``): a server on this computer (localhost, 127.0.0.1, ::1, a Unix
socket) is used as given. Any other host defaults to ``sslmode=verify-full`` (the server's
certificate must chain to a trusted root and name the host), with the operating system's
certificate store unless the admin picked a root certificate (``sslrootcert``). A mode that
allows cleartext (``disable``, ``allow``, ``prefer``) to another host is refused unless the
admin allowed it for that server (``allow_cleartext=yes`` in the URL, the Connect dialog's
"Allow unencrypted" box); that parameter is ours and never reaches libpq.

State (``describe_tls``): libpq does not say which certificate it accepted, so after it
connected a short TLS handshake of our own, checked the same way, reads the protocol and the
certificate's subject for the window to show.
"""

from __future__ import annotations

import contextlib
import re
import socket
import ssl
import struct

from sqlalchemy.engine import URL

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
CLEARTEXT_MODES = frozenset({"disable", "allow", "prefer"})
VERIFYING_MODES = frozenset({"verify-ca", "verify-full"})
ALLOW_CLEARTEXT = "allow_cleartext"
"""Our URL parameter: the admin allows an unencrypted connection to this server."""
SSL_REQUEST = struct.pack("!II", 8, 80877103)
PROBE_TIMEOUT_S = 2.0
_HOST_MISMATCH = re.compile(r'certificate for "([^"]+)".*does not match host name "([^"]+)"')


class CleartextRefusedError(ValueError):
    """The URL would talk to another computer's server without encryption."""


def host_of(url: URL) -> str:
    host = url.host or url.query.get("host") or ""
    return str(host[0] if isinstance(host, tuple) else host)


def is_local(url: URL) -> bool:
    host = host_of(url)
    return not host or host.startswith("/") or host in LOCAL_HOSTS


def _query_value(url: URL, key: str) -> str | None:
    value = url.query.get(key)
    if isinstance(value, tuple):
        value = value[-1]
    return None if value is None else str(value)


def apply_tls_policy(url: URL) -> URL:
    """``url`` with the TLS settings it should be connected with; raises
    ``CleartextRefusedError`` for unencrypted traffic to another computer not allowed."""
    allowed = (_query_value(url, ALLOW_CLEARTEXT) or "").lower() in {"1", "yes", "true"}
    query = {k: v for k, v in url.query.items() if k != ALLOW_CLEARTEXT}
    if is_local(url):
        return url.set(query=query)
    mode = _query_value(url, "sslmode")
    if mode is None:
        query["sslmode"] = "verify-full"
        query.setdefault("sslrootcert", "system")
    elif mode in CLEARTEXT_MODES and not allowed:
        raise CleartextRefusedError(
            f"Refusing to connect to {host_of(url)} without encryption (sslmode={mode}): "
            "allow unencrypted connections for this server in Connect → Advanced "
            f"(or add {ALLOW_CLEARTEXT}=yes to the URL) only if it really has no TLS."
        )
    return url.set(query=query)


def describe_failure(message: str) -> str | None:
    """A clear sentence for libpq's certificate errors; None for other failures."""
    mismatch = _HOST_MISMATCH.search(message)
    if mismatch is not None:
        certified, asked = mismatch.groups()
        return (
            f"The server's certificate is for {certified}, not {asked}: connect with the name "
            "on its certificate, or ask its owner for a certificate with this name."
        )
    if "certificate verify failed" in message or "root certificate file" in message:
        return (
            "The server's certificate is not signed by a root this computer trusts: choose "
            "the server's root certificate in Connect → Advanced."
        )
    return None


def describe_tls(url: URL) -> str:
    """ "TLS 1.3 · localhost (issued by …)", "not encrypted", or "local connection"."""
    mode = _query_value(url, "sslmode") or "prefer"
    host = host_of(url)
    if not host or host.startswith("/"):
        return "local socket"
    if mode == "disable":
        return "not encrypted"
    context = _probe_context(url, mode)
    try:
        with (
            socket.create_connection((host, url.port or 5432), timeout=PROBE_TIMEOUT_S) as raw,
        ):
            raw.sendall(SSL_REQUEST)
            if raw.recv(1) != b"S":
                return "not encrypted (the server has no TLS)"
            with context.wrap_socket(raw, server_hostname=host) as tls:
                return _state(tls, mode)
    except (OSError, ssl.SSLError) as error:
        return f"encrypted (details unavailable: {error})"


def _probe_context(url: URL, mode: str) -> ssl.SSLContext:
    root = _query_value(url, "sslrootcert")
    if mode in VERIFYING_MODES:
        context = ssl.create_default_context(cafile=None if root in (None, "system") else root)
        context.check_hostname = mode == "verify-full"
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _state(tls: ssl.SSLSocket, mode: str) -> str:
    protocol = (tls.version() or "TLS").replace("TLSv", "TLS ")
    certificate = tls.getpeercert()
    if not certificate:
        return f"{protocol} · server identity not checked (sslmode={mode})"
    subject = _common_name(certificate.get("subject", ()))
    issuer = _common_name(certificate.get("issuer", ()))
    return f"{protocol} · {subject} (issued by {issuer})"


def _common_name(name: object) -> str:
    with contextlib.suppress(TypeError, ValueError):
        for rdn in name:  # type: ignore[attr-defined]
            for key, value in rdn:
                if key == "commonName":
                    return str(value)
    return "unnamed"
