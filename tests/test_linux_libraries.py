"""packaging/linux_libraries.py: which collected libraries the Linux bundle ships. The desktop's
own libraries are the pre-Qt check's lists, Python's OpenSSL is psycopg's, and a library
nothing links is dropped; Python's ssl and hashlib work on psycopg's OpenSSL."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cloudroute_desk.system_libraries import QT_LIBRARIES, XCB_LIBRARIES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "packaging"))
import linux_libraries

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("readelf") is None,
    reason="Linux bundle rules; they read ELF NEEDED with readelf (binutils)",
)


def test_the_desktop_libraries_are_the_ones_the_check_names() -> None:
    assert linux_libraries.desktop_sonames() == {
        library.soname for library in QT_LIBRARIES + XCB_LIBRARIES
    }


def test_pythons_openssl_becomes_links_to_psycopgs() -> None:
    binaries = [
        ("libcrypto.so.3", "/usr/lib/libcrypto.so.3", "BINARY"),
        ("libssl.so.3", "/usr/lib/libssl.so.3", "BINARY"),
        ("psycopg_binary.libs/libcrypto-3a0647ea.so.3", "/sp/libcrypto-3a0647ea.so.3", "BINARY"),
        ("psycopg_binary.libs/libssl-6a9b88ec.so.3", "/sp/libssl-6a9b88ec.so.3", "BINARY"),
    ]
    shared = linux_libraries.share_openssl(binaries)
    assert shared[:2] == [
        ("libcrypto.so.3", "psycopg_binary.libs/libcrypto-3a0647ea.so.3", "SYMLINK"),
        ("libssl.so.3", "psycopg_binary.libs/libssl-6a9b88ec.so.3", "SYMLINK"),
    ]
    assert shared[2:] == binaries[2:]
    assert linux_libraries.share_openssl(binaries[:2] + binaries[3:]) == binaries[:2] + binaries[3:]


def _library(folder: Path, name: str, *links: Path) -> Path:
    """A real shared library with that soname, linking the given ones."""
    source = folder / f"{name}.c"
    source.write_text(f"int f_{abs(hash(name))}(void) {{ return 1; }}\n")
    target = folder / name
    command = ["cc", "-shared", "-fPIC", f"-Wl,-soname,{name}", "-Wl,--no-as-needed"]
    command += ["-o", str(target), str(source)]
    subprocess.run([*command, *map(str, links)], check=True)
    return target


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler to make libraries")
def test_only_what_an_extension_or_plugin_reaches_stays(tmp_path: Path) -> None:
    leaf = _library(tmp_path, "libleaf.so.1")
    middle = _library(tmp_path, "libmiddle.so.2", leaf)
    orphan = _library(tmp_path, "liborphan.so.1", leaf)
    plugin_only = _library(tmp_path, "libpluginonly.so.1")
    extension = _library(tmp_path, "mod.cpython-311-x86_64-linux-gnu.so", middle)
    plugin = _library(tmp_path, "libqplugin.so", plugin_only)
    binaries = [
        ("pkg/mod.cpython-311-x86_64-linux-gnu.so", str(extension), "EXTENSION"),
        ("libmiddle.so.2", "pkg.libs/libmiddle.so.2", "SYMLINK"),
        ("pkg.libs/libmiddle.so.2", str(middle), "BINARY"),
        ("libleaf.so.1", str(leaf), "BINARY"),
        ("liborphan.so.1", str(orphan), "BINARY"),
        ("libgone.so.6", "Qt/lib/libgone.so.6", "SYMLINK"),
        ("PySide6/Qt/plugins/x/libqplugin.so", str(plugin), "BINARY"),
        ("libpluginonly.so.1", str(plugin_only), "BINARY"),
    ]
    kept = {entry[0] for entry in linux_libraries.reachable(binaries)}
    assert kept == {
        "pkg/mod.cpython-311-x86_64-linux-gnu.so",
        "libmiddle.so.2",
        "pkg.libs/libmiddle.so.2",
        "libleaf.so.1",
        "PySide6/Qt/plugins/x/libqplugin.so",
        "libpluginonly.so.1",
    }


def test_trim_leaves_the_desktops_libraries_out(monkeypatch) -> None:
    monkeypatch.setattr(linux_libraries, "reachable", lambda binaries: binaries)
    binaries = [
        ("libstdc++.so.6", "/usr/lib/libstdc++.so.6", "BINARY"),
        ("libxcb-cursor.so.0", "/usr/lib/libxcb-cursor.so.0", "BINARY"),
        ("libsqlite3.so.0", "/usr/lib/libsqlite3.so.0", "BINARY"),
    ]
    assert linux_libraries.trim(binaries) == binaries[2:]


SSL_SCRIPT = """
import hashlib, http.server, ssl, sys, threading
import urllib3
root, chain, key = sys.argv[1:4]
maps = open("/proc/self/maps").read()
assert "psycopg_binary.libs/libcrypto" in maps and "psycopg_binary.libs/libssl" in maps, maps
assert hashlib.sha256.__name__ == "openssl_sha256"
assert hashlib.sha256(b"").hexdigest().startswith("e3b0c44298fc1c149afbf4c8996fb924")
server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(chain, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"https://localhost:{server.server_port}/"
answer = urllib3.PoolManager(ca_certs=root).request("GET", url, retries=False)
try:
    urllib3.PoolManager(ca_certs=sys.argv[4]).request("GET", url, retries=False)
    refused = False
except urllib3.exceptions.SSLError:
    refused = True
print(ssl.OPENSSL_VERSION, answer.status, "refused" if refused else "accepted")
server.shutdown()
"""


def _certificates(folder: Path) -> tuple[Path, Path, Path, Path]:
    """A root, a server certificate for localhost it signed (with its key), another root."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    now = dt.datetime.now(dt.UTC)

    def certificate(subject: str, key, issuer: str, signer, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(name(issuer))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    pem = serialization.Encoding.PEM
    root_key, other_key, server_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root = certificate("test root", root_key, "test root", root_key, ca=True)
    other = certificate("other root", other_key, "other root", other_key, ca=True)
    server = certificate("localhost", server_key, "test root", root_key, ca=False)
    paths = tuple(folder / n for n in ("root.pem", "chain.pem", "key.pem", "other.pem"))
    paths[0].write_bytes(root.public_bytes(pem))
    paths[1].write_bytes(server.public_bytes(pem) + root.public_bytes(pem))
    paths[2].write_bytes(
        server_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    paths[3].write_bytes(other.public_bytes(pem))
    return paths  # type: ignore[return-value]


def test_pythons_ssl_and_hashlib_work_on_psycopgs_openssl(tmp_path: Path) -> None:
    """The bundle's links, made here: Python finds libcrypto.so.3/libssl.so.3 through
    LD_LIBRARY_PATH (as PyInstaller's loader sets it) and gets psycopg_binary's OpenSSL, which
    still verifies a server against a given root (botocore's way) and refuses another."""
    spec = importlib.util.find_spec("psycopg_binary")  # importing it needs psycopg first
    assert spec is not None and spec.origin is not None
    libs = Path(spec.origin).parent.parent / "psycopg_binary.libs"
    folder = tmp_path / "lib"
    folder.mkdir()
    for name in linux_libraries.OPENSSL:
        (target,) = libs.glob(name.split(".")[0] + "-*.so.3")
        (folder / name).symlink_to(target)
    env = dict(os.environ, LD_LIBRARY_PATH=str(folder))
    result = subprocess.run(
        [sys.executable, "-c", SSL_SCRIPT, *map(str, _certificates(tmp_path))],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    version, status, verdict = result.stdout.split()[1], *result.stdout.split()[-2:]
    assert version.startswith("3.") and status == "200" and verdict == "refused"
