"""Map an OCDS 1.1 release (single or compiled) to kscity's Notice: title, country, buyer, stage, value, codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kscity.ingest.items import FxLookup
from kscity.ingest.places import country_from_url, country_iso3, language_code
from kscity.ingest.validate import is_currency, parse_datetime
from kscity.model.opportunity import Document, ItemCode, Notice, SourceRef, Stage

STAGES: tuple[Stage, ...] = ("planning", "tender", "award", "contract", "implementation")
_SCHEMES = {"CPV": "CPV", "CPVS": "CPVS", "UNSPSC": "UNSPSC", "CUCOP": "CUCOP", "DK021": "CPV"}


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _s(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _t(obj: Any, key: str) -> str:
    """A text field, or its language variant ('title_en', 'title_fr') as some publishers write it."""
    obj = _d(obj)
    found = _s(obj.get(key))
    if found:
        return found
    return next((_s(v) for k, v in obj.items() if k.startswith(f"{key}_") and _s(v)), "")


def _dt(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) and value.strip() else None


def usd_value(value: float | None, currency: str | None, when: datetime | None, fx: FxLookup | None) -> float | None:
    """The value in US dollars at the year's rate, or None when the rate or the value is unknown."""
    if value is None or not currency or fx is None:
        return None
    if currency == "USD":
        return float(value)
    year = (when or datetime(2020, 1, 1)).year
    rate = fx(currency, year)
    return None if rate is None else float(value) * rate


def release_stage(release: dict[str, Any]) -> Stage:
    """The furthest stage the release speaks of, from its tag and the sections present."""
    found = 0
    tags = release.get("tag")
    for tag in tags if isinstance(tags, list) else [tags]:
        text = _s(tag).lower()
        for index, stage in enumerate(STAGES):
            if text.startswith(stage) or (stage == "implementation" and text == "contracttermination"):
                found = max(found, index)
    sections = {"planning": 0, "tender": 1, "awards": 2, "contracts": 3}
    for key, index in sections.items():
        if release.get(key):
            found = max(found, index)
    if any(
        _d(c.get("implementation")).get("transactions") for c in _l(release.get("contracts")) if isinstance(c, dict)
    ):
        found = max(found, 4)
    return STAGES[found]


def _value(release: dict[str, Any]) -> tuple[float | None, str | None]:
    def amount(obj: Any) -> tuple[float | None, str | None]:
        v = _d(obj)
        a = v.get("amount")
        if isinstance(a, int | float) and not isinstance(a, bool):
            cur = v.get("currency")
            return float(a), cur if is_currency(cur) else None
        return None, None

    tender_amount = amount(_d(release.get("tender")).get("value"))
    if tender_amount[0] is not None:
        return tender_amount
    for key in ("awards", "contracts"):
        total, currency = 0.0, None
        for entry in _l(release.get(key)):
            a, c = amount(_d(entry).get("value"))
            if a is None or (currency is not None and c != currency):
                continue
            total, currency = total + a, c
        if currency is not None or total:
            return total, currency
    return amount(_d(_d(release.get("planning")).get("budget")).get("amount"))


def _buyer(release: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    parties = {p.get("id"): p for p in _l(release.get("parties")) if isinstance(p, dict)}
    buyer = _d(release.get("buyer"))
    party = _d(parties.get(buyer.get("id"))) if buyer.get("id") is not None else {}
    if not buyer:
        party = next((p for p in parties.values() if "buyer" in _l(p.get("roles"))), {})
        if not party:
            buyer = _d(_d(release.get("tender")).get("procuringEntity"))
            party = _d(parties.get(buyer.get("id"))) if buyer.get("id") is not None else {}
    name = _s(buyer.get("name")) or _s(party.get("name"))
    address = _d(party.get("address")) or _d(buyer.get("address"))
    return name, address


def _items(release: dict[str, Any]) -> tuple[ItemCode, ...]:
    seen: dict[tuple[str, str], ItemCode] = {}
    sources = [_d(release.get("tender"))] + [_d(x) for x in _l(release.get("awards")) + _l(release.get("contracts"))]
    for section in sources:
        for item in _l(section.get("items")):
            item = _d(item)
            for cls in [item.get("classification"), *_l(item.get("additionalClassifications"))]:
                cls = _d(cls)
                code = cls.get("id")
                if code is None or code == "":
                    continue
                scheme = _s(cls.get("scheme")).upper() or "OTHER"
                scheme = _SCHEMES.get(scheme, scheme)
                key = (scheme, str(code))
                if key not in seen:
                    seen[key] = ItemCode(scheme, str(code), _s(cls.get("description")))
    return tuple(seen.values())


def _documents(release: dict[str, Any]) -> tuple[Document, ...]:
    docs: list[Document] = []
    sections = [_d(release.get("planning")), _d(release.get("tender"))]
    sections += [_d(x) for x in _l(release.get("awards")) + _l(release.get("contracts"))]
    for section in sections:
        for doc in _l(section.get("documents")):
            doc = _d(doc)
            title = _s(doc.get("title")) or _s(doc.get("description")) or _s(doc.get("url"))
            if title or _s(doc.get("url")):
                docs.append(Document(title, _s(doc.get("url")), _s(doc.get("documentType")), _s(doc.get("language"))))
    return tuple(docs)


def _country(release: dict[str, Any], address: dict[str, Any], publisher: dict[str, Any] | None) -> str | None:
    found = country_iso3(_s(address.get("countryName"))) or country_iso3(_s(address.get("country")))
    if found:
        return found
    for item in _l(_d(release.get("tender")).get("items")):
        delivery = _d(_d(item).get("deliveryAddress"))
        found = country_iso3(_s(delivery.get("countryName")))
        if found:
            return found
    for party in _l(release.get("parties")):
        found = country_iso3(_s(_d(_d(party).get("address")).get("countryName")))
        if found:
            return found
    publisher = publisher or _d(_d(release.get("packageInfo")).get("publisher"))
    return country_from_url(_s(publisher.get("uri"))) or country_iso3(
        _s(_d(publisher.get("address")).get("countryName"))
    )


def notice_from_release(
    release: dict[str, Any],
    *,
    source: str = "ocds",
    fx: FxLookup | None = None,
    publisher: dict[str, Any] | None = None,
) -> Notice:
    """A Notice from one OCDS 1.1 release or compiled release (run after the checks of validate.check_release)."""
    tender = _d(release.get("tender"))
    planning = _d(release.get("planning"))
    title = (
        _t(tender, "title")
        or _t(planning.get("budget"), "project")
        or next((_t(a, "title") for a in _l(release.get("awards")) if _t(a, "title")), "")
        or next((_t(c, "title") for c in _l(release.get("contracts")) if _t(c, "title")), "")
        or _t(tender, "description")[:200]
    )
    buyer, address = _buyer(release)
    value, currency = _value(release)
    published = _dt(release.get("date"))
    period = _d(tender.get("tenderPeriod"))
    start = _dt(period.get("startDate"))
    ocid = _s(release.get("ocid"))
    return Notice(
        ocid=ocid,
        source=SourceRef(
            source=source, notice_id=ocid, url=_s(_d(release.get("packageInfo")).get("uri")), published=published
        ),
        title=title,
        description=_t(tender, "description") or _t(planning, "rationale"),
        language=language_code(_s(release.get("language"))),
        country=_country(release, address, publisher),
        buyer=buyer,
        procurement_method=_s(tender.get("procurementMethod")),
        stage=release_stage(release),
        value=value,
        currency=currency,
        value_usd=usd_value(value, currency, start or published, fx),
        published=published,
        tender_deadline=_dt(period.get("endDate")),
        tender_start=start.date() if start else None,
        items=_items(release),
        documents=_documents(release),
    )
