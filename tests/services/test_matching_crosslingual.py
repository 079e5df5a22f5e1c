"""Across languages: Spanish and Ukrainian notices without item codes find the firm whose Korean-only text fits.

Six invented firms, each with one solution described only in Korean (no English at all), in five services;
two of them share the safety service (intelligent CCTV vs disaster warning), so the text part must tell
them apart, not only the service fit. Notices: two real Spanish ones from the shared Mexican data (video
surveillance, street lighting; their item codes are Mexican budget lines, not CPV/UNSPSC) and three built
here (a Ukrainian CCTV and a Ukrainian water-leak tender, a Spanish CCTV tender from Paraguay), none with a
classification code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kscity.app import App
from kscity.core.catalogue.brn import make_brn
from kscity.services import matching as svc

MX = "ocds/mexico/grupo-aeroportuario/sample/releases"
REAL = (f"{MX}/22-RELEASE_22_2017-10-04T00_53_17_034Z.json",  # "sistema de Video Vigilancia de la Barda Perimetral"
        f"{MX}/118-RELEASE_118_2017-10-04T00_53_15_745Z.json")  # "Alumbrado Publico de la Barda Perimetral"


def _firm(n: int, name: str, solution: str, service: str, sub: str, description: str) -> dict[str, Any]:
    return {"brn": make_brn(f"21181{n:04d}"), "name": {"ko": name}, "size": "sme",
            "solutions": [{"key": f"KO-{n}", "name": {"ko": solution}, "service": service, "sub_solution": sub,
                           "kind": "software", "trl": 8, "description": {"ko": description}}]}


FIRMS = [
    _firm(1, "가온비전", "지능형 CCTV 영상 감시", "safety", "intelligent_cctv",
          "인공지능 영상 분석으로 사람과 차량을 인식하고 배회·침입 같은 이상 행동을 실시간으로 감지해 관제센터에 "
          "알리는 지능형 CCTV 영상 감시 시스템"),
    _firm(2, "한울재난", "재난 경보 방송", "safety", "disaster_management",
          "지진·홍수·산불이 나면 주민에게 경보 방송과 문자 알림을 자동으로 보내는 재난 경보 시스템"),
    _firm(3, "빛고을라이트", "스마트 가로등", "data", "smart_street_light",
          "LED 가로등 밝기를 원격으로 조절하고 고장을 자동으로 알리는 스마트 가로등 관제 시스템"),
    _firm(4, "맑은물테크", "스마트 상수도 누수 감지", "eco", "smart_water_management",
          "상수도 관망에 음향 센서를 달아 누수를 실시간으로 감지하고 위치를 찾아내는 스마트 물관리 솔루션"),
    _firm(5, "달리는버스", "버스정보시스템", "transport", "bus_information_system",
          "버스 도착 예정 시간을 정류장 안내판과 모바일 앱으로 알려주는 버스정보시스템"),
    _firm(6, "온케어", "원격 진료 플랫폼", "healthcare", "telemedicine",
          "의사와 환자를 화상으로 연결해 진료와 처방을 돕는 원격의료 플랫폼"),
]


def _release(ocid: str, title: str, description: str, country: str, currency: str) -> dict[str, Any]:
    return {"ocid": ocid, "id": f"{ocid}-1", "date": "2024-03-01T00:00:00Z", "tag": ["tender"],
            "initiationType": "tender", "buyer": {"id": "b", "name": "buyer"},
            "parties": [{"id": "b", "name": "buyer", "roles": ["buyer"], "address": {"countryName": country}}],
            "tender": {"id": "t", "title": title, "description": description, "status": "active",
                       "value": {"amount": 2500000, "currency": currency},
                       "items": [{"id": "1", "description": title}]}}  # no classification on purpose


BUILT = [
    _release("ocds-test-ua-cctv", "Закупівля системи відеоспостереження з інтелектуальними камерами для безпеки "
             "громадян", "Постачання та встановлення системи відеоспостереження з відеоаналітикою для міської ради",
             "Ukraine", "UAH"),
    _release("ocds-test-ua-water", "Система виявлення витоків води в мережі водопостачання",
             "Закупівля датчиків та програмного забезпечення для виявлення витоків у водопровідній мережі міста",
             "Ukraine", "UAH"),
    _release("ocds-test-es-cctv", "Adquisición de sistema de videovigilancia con cámaras inteligentes para la "
             "seguridad ciudadana", "Suministro e instalación de cámaras de videovigilancia con analítica de video "
             "para el municipio", "Paraguay", "PYG"),
]
CCTV = "가온비전"


def write_inputs(folder: Path) -> tuple[Path, Path]:
    """The firms (catalogue JSON) and the built notices (an OCDS release package) as files."""
    firms, notices = folder / "firms.json", folder / "notices.json"
    firms.write_text(json.dumps(FIRMS, ensure_ascii=False), encoding="utf-8")
    notices.write_text(json.dumps({"uri": "test", "publishedDate": "2024-03-01T00:00:00Z", "version": "1.1",
                                   "releases": BUILT}, ensure_ascii=False), encoding="utf-8")
    return firms, notices


@pytest.fixture
def xapp(loaded_app: App, shared_data: Path, tmp_path: Path) -> App:
    """Reference data, the six Korean-only firms, the real and the built notices."""
    from kscity.services.catalogue import import_records
    from kscity.services.ingest import ingest_paths

    with loaded_app.transaction() as s:
        report = import_records(session=s, records=FIRMS)
    assert report.imported == len(FIRMS) and not report.errors
    _, notices = write_inputs(tmp_path)
    ingest_paths(loaded_app, [notices, *(shared_data / f for f in REAL)])
    return loaded_app


def _ranked(kapp: App, ocid: str) -> list[dict[str, Any]]:
    with kapp.read() as s:
        return svc.firms_for_opportunity(session=s, ocid=ocid, limit=10)


@pytest.mark.parametrize("ocid", ["ocds-test-ua-cctv", "ocds-test-es-cctv", "22"])
def test_a_cctv_notice_in_ukrainian_or_spanish_finds_the_korean_cctv_firm(xapp: App, ocid: str) -> None:
    ranked = _ranked(xapp, ocid)
    assert len(ranked) == len(FIRMS)
    best, by_name = ranked[0], {r["firm"]: r for r in ranked}
    assert best["firm"] == CCTV and best["solutions"] == ["KO-1"]
    assert best["parts"]["codes"] == 0  # no CPV/UNSPSC code helped
    # the text alone, across languages, puts the Korean CCTV text above every other firm's text ...
    assert best["parts"]["text"] > max(r["parts"]["text"] for r in ranked[1:])
    # ... including the other safety firm, whose service is the same but whose text is about disaster warnings
    assert by_name[CCTV]["parts"]["text"] > by_name["한울재난"]["parts"]["text"]
    assert by_name["한울재난"]["parts"]["service"] > 0
    assert "지능형 CCTV 영상 감시" in best["explanation"]["ko"] and "지능형 CCTV 영상 감시" in best["explanation"]["en"]


@pytest.mark.parametrize(("ocid", "firm"), [("ocds-test-ua-water", "맑은물테크"), ("118", "빛고을라이트")])
def test_other_services_find_their_korean_firm_first(xapp: App, ocid: str, firm: str) -> None:
    ranked = _ranked(xapp, ocid)
    assert ranked[0]["firm"] == firm and ranked[0]["parts"]["service"] == 1.0
    assert ranked[0]["explanation"]["ko"] and ranked[0]["explanation"]["en"]
    assert ranked[0]["score"] > ranked[1]["score"]


def test_the_ukrainian_water_notice_prefers_the_korean_leak_text(xapp: App) -> None:
    ranked = _ranked(xapp, "ocds-test-ua-water")
    assert ranked[0]["parts"]["text"] > max(r["parts"]["text"] for r in ranked[1:])


def test_the_korean_cctv_firm_finds_the_cctv_notices_first(xapp: App) -> None:
    with xapp.read() as s:
        firm_id = next(r["firm_id"] for r in svc.firms_for_opportunity(session=s, ocid="22") if r["firm"] == CCTV)
        res = svc.opportunities_for_firm(session=s, firm_id=firm_id, limit=5)
    assert {r["ocid"] for r in res.items[:3]} == {"ocds-test-ua-cctv", "ocds-test-es-cctv", "22"}
