"""The tests' PostgreSQL server: found or explained in one line, reachable on loopback, gone after stopping."""

from __future__ import annotations

import time

import pytest
import sqlalchemy
from postgres_server import INSTALL_HINT, PostgresServer, PostgresUnavailable, server_binaries


def test_without_a_server_installed_the_message_says_how_to_install_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PostgresUnavailable, match="no PostgreSQL server found") as raised:
        server_binaries(tmp_path)
    assert INSTALL_HINT in str(raised.value) and "\n" not in str(raised.value)


def test_the_server_answers_on_loopback_and_stops_at_once_with_a_client_connected(postgres_server):
    engine = sqlalchemy.create_engine(postgres_server.url)
    with engine.connect() as connection:
        assert connection.execute(sqlalchemy.text(
            "SELECT inet_server_addr()::text, extname FROM pg_extension WHERE extname = 'btree_gist'")).one() \
            == ("127.0.0.1/32", "btree_gist")
    second = PostgresServer().start()
    held = sqlalchemy.create_engine(second.url).connect()
    started = time.monotonic()
    second.stop()
    assert time.monotonic() - started < 10 and not second.folder.exists()
    with pytest.raises(sqlalchemy.exc.OperationalError):
        held.execute(sqlalchemy.text("SELECT 1"))
