"""A Butler server (RemoteButler) and an S3 datastore, both real and local: opening by URL or label, locating
files (presigned URLs, s3:// URIs, local paths by the records table), and one line for each way they refuse."""

from __future__ import annotations

import httpx2
import pytest
from extract_support import RUN_320
from postgres_server import free_port

from spectui.core.butler import locations
from spectui.core.butler.locations import locate
from spectui.core.butler.remote import is_remote, remote_problem
from spectui.core.butler.repo import datastore_roots, open_repo
from spectui.core.errors import RegistryUnavailable, RepoNotFound
from spectui.core.extraction.extract import find_refs

pytestmark = pytest.mark.remote


def some_units(butler, count: int = 6) -> list:
    refs, _ = find_refs(butler, RUN_320)
    return [(visit, refs[visit]) for visit in sorted(refs)[:count]]


def test_a_url_opens_the_server_and_a_label_too(butler_servers, tmp_path, monkeypatch):
    butler = open_repo(butler_servers.url)
    assert is_remote(butler)
    assert datastore_roots(butler) == [butler_servers.url.removesuffix("butler.yaml")]
    index = tmp_path / "repositories.yaml"
    index.write_text(f"demo: {butler_servers.url}\n")
    monkeypatch.setenv("DAF_BUTLER_REPOSITORY_INDEX", str(index))
    assert is_remote(open_repo("demo"))


def test_the_server_gives_presigned_urls_and_s3_gives_s3_uris(butler_servers, demo_repo, monkeypatch):
    local = open_repo(demo_repo)
    expected = locate(local, some_units(local))
    with monkeypatch.context() as patch:
        patch.setattr(locations, "_from_uris", lambda *args: pytest.fail("the local fast path was skipped"))
        assert locate(local, some_units(local)) == expected

    def relative(found, prefix: str) -> list:
        return [(visit, {name: where.split("?")[0].removeprefix(prefix) for name, where in by_type.items()})
                for visit, by_type in found]

    remote = open_repo(butler_servers.url)
    served = locate(remote, some_units(remote))
    assert all(where.startswith(butler_servers.s3_endpoint) and "Signature=" in where
               for _, by_type in served for where in by_type.values() if where)
    direct = open_repo(butler_servers.repo)
    on_s3 = locate(direct, some_units(direct))
    assert relative(on_s3, "s3://spectui-demo/repo/") == relative(expected, f"{demo_repo}/")
    assert relative(served, f"{butler_servers.s3_endpoint}/spectui-demo/repo/") == relative(on_s3,
                                                                                            "s3://spectui-demo/repo/")


def test_no_token_wrong_token_wrong_url_and_no_server_each_say_what_to_do(butler_servers, monkeypatch):
    url = butler_servers.url
    cases = [
        ({"BUTLER_RUBIN_ACCESS_TOKEN": None}, url, RepoNotFound, "set BUTLER_RUBIN_ACCESS_TOKEN"),
        ({"BUTLER_RUBIN_ACCESS_TOKEN": "expired"}, url, RepoNotFound, "403 Forbidden"),
        ({}, url.replace("/api/butler/", "/api/"), RepoNotFound, "404 Not Found"),
        ({}, url.replace("/demo/", "/nothing/"), RegistryUnavailable, "check the repository name"),
        ({}, f"http://127.0.0.1:{free_port()}/api/butler/repo/demo/butler.yaml", RegistryUnavailable,
         "cannot reach the Butler server"),
    ]
    for env, where, error, said in cases:
        with monkeypatch.context() as patch:
            for name, value in env.items():
                patch.delenv(name) if value is None else patch.setenv(name, value)
            with pytest.raises(error, match=said) as raised:
                open_repo(where)
        assert "\n" not in raised.value.message


def test_busy_and_unauthorised_answers_are_one_line_each():
    def answered(status: int) -> BaseException:
        request = httpx2.Request("GET", "https://usdf-rsp.slac.stanford.edu/api/butler/repo/main/v1/query")
        return httpx2.HTTPStatusError("refused", request=request, response=httpx2.Response(status, request=request))

    busy = remote_problem(answered(429))
    assert isinstance(busy, RegistryUnavailable) and "2 at a time per user" in busy.message
    assert "usdf-rsp.slac.stanford.edu" in busy.message
    assert "401 Unauthorized" in remote_problem(answered(401)).message
    assert remote_problem(ValueError("not a network error")) is None
