"""TLS to PostgreSQL: verify-full by default for other computers, cleartext to them refused
unless allowed, and a real TLS handshake against a certificate made by the test (right root
connects, wrong host name or wrong root refused with one clear sentence)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import URL, make_url

from cloudroute_desk.db.opening import DatabaseOpenError, open_database, parse_target
from tests.tls_server import TlsServer, tls_server


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def tls(pg_admin_url: URL) -> Iterator[TlsServer]:
    with tls_server(pg_admin_url) as server:
        yield server


def _name(db_target: str) -> str:
    return str(make_url(db_target).database)


def test_verify_full_with_the_right_root_connects_and_says_what_it_got(
    tls: TlsServer, db_target: str
) -> None:
    target = tls.url(_name(db_target), sslmode="verify-full", sslrootcert=str(tls.root_certificate))
    database = open_database(target)
    try:
        with database.reading() as session:
            assert session.connection().connection.dbapi_connection.pgconn.ssl_in_use  # type: ignore[union-attr]
        assert database.tls.startswith("TLS 1.")
        assert "localhost (issued by CloudRoute test root)" in database.tls
        assert database.tls in database.display_name
    finally:
        database.dispose()


def test_wrong_host_name_is_refused_with_one_sentence(tls: TlsServer, db_target: str) -> None:
    target = tls.url(
        _name(db_target),
        host="127.0.0.1",
        sslmode="verify-full",
        sslrootcert=str(tls.root_certificate),
    )
    with pytest.raises(DatabaseOpenError) as caught:
        open_database(target)
    message = str(caught.value)
    assert message.startswith("The server's certificate is for localhost, not 127.0.0.1")
    assert "\n" not in message


def test_certificate_from_an_untrusted_root_is_refused(tls: TlsServer, db_target: str) -> None:
    target = tls.url(_name(db_target), sslmode="verify-full", sslrootcert=str(tls.other_root))
    with pytest.raises(DatabaseOpenError, match="not signed by a root this computer trusts"):
        open_database(target)


def test_other_computers_default_to_verify_full_with_the_system_roots() -> None:
    url = parse_target("postgresql://admin@db.example:5432/cloudroute")
    assert url.query["sslmode"] == "verify-full"
    assert url.query["sslrootcert"] == "system"
    picked = parse_target("postgresql://admin@db.example/c?sslrootcert=/etc/team-root.pem")
    assert picked.query["sslrootcert"] == "/etc/team-root.pem"


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer"])
def test_cleartext_to_another_computer_needs_the_admins_permission(mode: str) -> None:
    with pytest.raises(DatabaseOpenError, match=r"Refusing to connect to db\.example without"):
        parse_target(f"postgresql://admin@db.example/cloudroute?sslmode={mode}")
    allowed = parse_target(f"postgresql://admin@db.example/c?sslmode={mode}&allow_cleartext=yes")
    assert allowed.query == {"sslmode": mode}, "our own parameter never reaches libpq"


@pytest.mark.parametrize(
    "target",
    [
        "postgresql://admin@localhost/cloudroute",
        "postgresql://admin@127.0.0.1/cloudroute?sslmode=disable",
        "postgresql://admin@/cloudroute?host=/var/run/postgresql",
    ],
)
def test_this_computers_server_is_used_as_given(target: str) -> None:
    assert "sslrootcert" not in parse_target(target).query
