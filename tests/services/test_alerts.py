"""Alerts: profiles, runs that report only what is new, an e-mail digest to a local SMTP sink, the Atom feed."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from kscity.app import App
from kscity.errors import InvalidInput, NotFound
from kscity.services import alerts as svc
from tests.services.test_matching import load_matching_data
from tests.smtp_sink import smtp_sink

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(name="smtp_sink")
def smtp_sink_fixture() -> Iterator[tuple[svc.SmtpConfig, list[bytes]]]:
    """A local SMTP server on a free port collecting messages."""
    with smtp_sink() as server:
        yield svc.SmtpConfig("127.0.0.1", server.server_address[1]), server.messages


@pytest.fixture
def mapp(loaded_app: App, shared_data: Path) -> App:
    """A loaded app with notices and firms."""
    load_matching_data(loaded_app, shared_data)
    return loaded_app


def test_an_empty_or_bad_profile_is_refused(mapp: App) -> None:
    with mapp.transaction() as s:
        with pytest.raises(InvalidInput):
            svc.add_profile(session=s, name="nothing")
        with pytest.raises(InvalidInput):
            svc.add_profile(session=s, name="x", services=["safety"], language="fr")
        with pytest.raises(InvalidInput):
            svc.add_profile(session=s, name="x", services=["safety"], email="not-an-address")
        with pytest.raises(NotFound):
            svc.add_profile(session=s, name="x", services=["safety"], firm_id=999999)


def test_a_run_delivers_new_items_once_by_email_and_feed(mapp: App,
                                                         smtp_sink: tuple[svc.SmtpConfig, list[bytes]]) -> None:
    smtp, messages = smtp_sink
    with mapp.transaction() as s:
        p = svc.add_profile(session=s, name="CCTV", language="ko", services=["safety"], email="firm@example.org")
        svc.add_profile(session=s, name="none", keywords=["zzzz-no-such-word"])
    with mapp.transaction() as s:
        first = svc.run_alerts(session=s, smtp=smtp)
    assert first["profiles"] == 2 and first["new_items"] >= 2 and first["delivered"]["emails"] == 1
    mail = message_from_bytes(messages[0], policy=policy.default)
    assert mail["To"] == "firm@example.org" and "사업 기회" in str(mail["Subject"])
    with mapp.transaction() as s:
        second = svc.run_alerts(session=s, smtp=smtp)
    assert second["new_items"] == 0 and len(messages) == 1  # nothing new: no second digest
    with mapp.read() as s:
        xml = svc.profile_feed(session=s, profile_id=p["id"], base_url="http://x")
        assert svc.list_profiles(session=s)[0]["last_run_at"]
    feed = ET.fromstring(xml.encode())
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == first["runs"][0]["new_items"]
    assert all(e.find(f"{ATOM}updated").text.endswith("+00:00") for e in entries)  # type: ignore[union-attr]
    assert {e.find(f"{ATOM}link").get("href") for e in entries} == {  # type: ignore[union-attr]
        f"http://x/opportunities/{o}" for o in first["runs"][0]["ocids"]}


def test_deleting_a_profile_removes_it(mapp: App) -> None:
    with mapp.transaction() as s:
        p = svc.add_profile(session=s, name="x", countries=["mex"])
        assert svc.list_profiles(session=s)[0]["countries"] == ["MEX"]
        svc.delete_profile(session=s, profile_id=p["id"])
        assert svc.list_profiles(session=s) == []
        with pytest.raises(NotFound):
            svc.profile_feed(session=s, profile_id=p["id"])


def test_a_later_run_reports_only_what_was_stored_since(mapp: App, shared_data: Path,
                                                        smtp_sink: tuple[svc.SmtpConfig, list[bytes]]) -> None:
    from kscity.services.ingest import ingest_paths

    smtp, messages = smtp_sink
    late = "ocds/mexico/grupo-aeroportuario/sample/releases/118-RELEASE_118_2017-10-04T00_53_15_745Z.json"
    with mapp.transaction() as s:
        p = svc.add_profile(session=s, name="street lights", language="en", services=["data"],
                            countries=["MEX"], email="lights@example.org")
    with mapp.transaction() as s:
        first = svc.run_alerts(session=s, smtp=smtp)
    assert "118" not in first["runs"][0]["ocids"]
    ingest_paths(mapp, [shared_data / late])  # a 2017 notice ingested late: new to the profile all the same
    with mapp.transaction() as s:
        second = svc.run_alerts(session=s, smtp=smtp)
    assert second["runs"][0]["ocids"] == ["118"] and second["new_items"] == 1
    mail = message_from_bytes(messages[-1], policy=policy.default)
    assert mail["To"] == "lights@example.org" and "118" in mail.get_content()
    with mapp.read() as s:
        feed = ET.fromstring(svc.profile_feed(session=s, profile_id=p["id"]).encode())
    assert "118" in [e.findtext(f"{ATOM}id", "").rsplit(":", 1)[-1] for e in feed.findall(f"{ATOM}entry")]
