"""The test PostgreSQL over TLS on 127.0.0.1, its certificate signed by a root made here.

pgserver's build has no TLS and listens only on a Unix socket, so a proxy speaks PostgreSQL's
TLS negotiation (SSLRequest, then the handshake) with the client and forwards the decrypted
protocol to the server: to libpq it is a TLS server like any other, checked the same way.
The server certificate names ``localhost`` only, so ``127.0.0.1`` is a wrong host name.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import ssl
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy.engine import URL

from tests.net_proxy import NetProxy, Upstream


@dataclass(frozen=True)
class TlsServer:
    port: int
    root_certificate: Path
    """The root that signed the server certificate (PEM)."""
    other_root: Path
    """A root that signed nothing the server has."""
    behind: URL
    """The server behind the TLS endpoint (its user and database)."""

    def url(self, database: str, host: str = "localhost", **query: str) -> str:
        params = "&".join(f"{key}={value}" for key, value in query.items())
        user = self.behind.username or "postgres"
        return f"postgresql://{user}@{host}:{self.port}/{database}" + (
            f"?{params}" if params else ""
        )


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _root(common: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _server_certificate(
    root_key: ec.EllipticCurvePrivateKey, root: x509.Certificate
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return key, certificate


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104


class TlsTerminatingProxy(NetProxy):
    """Answers PostgreSQL's SSLRequest with "S", does the TLS handshake with the server's
    certificate, and forwards the decrypted protocol to the real server."""

    def __init__(self, upstream: Upstream, context: ssl.SSLContext) -> None:
        super().__init__(upstream)
        self._context = context

    def _accepted(self, client: socket.socket) -> socket.socket:
        client.settimeout(5)
        while True:
            request = _read_exactly(client, 8)
            length, code = struct.unpack("!II", request)
            if length == 8 and code == GSSENC_REQUEST:
                client.sendall(b"N")
                continue
            if length == 8 and code == SSL_REQUEST:
                client.sendall(b"S")
                wrapped = self._context.wrap_socket(client, server_side=True)
                wrapped.settimeout(None)
                return wrapped
            raise OSError("the client did not ask for TLS")


def _read_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise OSError("closed during negotiation")
        data += chunk
    return data


@contextmanager
def tls_server(pg_admin_url: URL) -> Iterator[TlsServer]:
    """The test PostgreSQL, reached over TLS on 127.0.0.1 (through a terminating proxy)."""
    root_key, root = _root("CloudRoute test root")
    _, other = _root("Somebody else's root")
    key, certificate = _server_certificate(root_key, root)
    folder = Path(tempfile.mkdtemp(prefix="crd-tls-"))
    (folder / "root.pem").write_bytes(_pem(root))
    (folder / "other.pem").write_bytes(_pem(other))
    (folder / "server.pem").write_bytes(_pem(certificate))
    (folder / "server.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "server.pem", folder / "server.key")
    upstream = NetProxy.in_front_of(pg_admin_url)._upstream
    try:
        with TlsTerminatingProxy(upstream, context) as proxy:
            yield TlsServer(proxy.port, folder / "root.pem", folder / "other.pem", pg_admin_url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
