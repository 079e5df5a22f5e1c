"""Read TED notices (schema R2.0.9 TED_EXPORT, and eForms UBL) into Notices; XML is parsed with DTDs refused.

defusedxml refuses any DOCTYPE, so entity expansion (billion laughs) and external entities never happen.
Namespaces vary between notices, so elements are matched by local name only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from kscity.ingest.items import FxLookup
from kscity.ingest.normalize import usd_value
from kscity.ingest.places import country_iso3, language_code, nuts_country
from kscity.ingest.validate import is_currency, parse_datetime
from kscity.model.opportunity import Document, ItemCode, Notice, SourceRef, Stage

EFORMS_ROOTS = {"ContractNotice", "ContractAwardNotice", "PriorInformationNotice"}
_R2_METHODS = {
    "PT_OPEN": "open",
    "PT_RESTRICTED": "selective",
    "PT_COMPETITIVE_NEGOTIATION": "selective",
    "PT_COMPETITIVE_DIALOGUE": "selective",
    "PT_INNOVATION_PARTNERSHIP": "selective",
    "PT_NEGOTIATED_WITH_PRIOR_CALL": "selective",
    "PT_AWARD_CONTRACT_WITHOUT_CALL": "limited",
    "PT_NEGOTIATED_WITHOUT_PUBLICATION": "limited",
}
_EFORMS_METHODS = {
    "open": "open",
    "restricted": "selective",
    "neg-w-call": "selective",
    "comp-dial": "selective",
    "innovation": "selective",
    "comp-tend": "selective",
    "neg-wo-call": "limited",
}
_R2_FORM_STAGE: dict[str, Stage] = {
    "F01": "planning",
    "F04": "planning",
    "F08": "planning",
    "F16": "planning",
    "F02": "tender",
    "F05": "tender",
    "F07": "tender",
    "F12": "tender",
    "F14": "tender",
    "F17": "tender",
    "F24": "tender",
    "F03": "award",
    "F06": "award",
    "F13": "award",
    "F15": "award",
    "F18": "award",
    "F19": "award",
    "F25": "award",
    "F20": "contract",
}


class XmlRefused(Exception):
    """The XML is malformed, declares a DTD or entities, or is not a TED notice; the message says which."""

    def __init__(self, message_en: str, message_ko: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_ko = message_ko


def local(tag: object) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def kids(node: Element | None, name: str) -> list[Element]:
    """Direct children with this local name."""
    return [] if node is None else [c for c in node if local(c.tag) == name]


def first(node: Element | None, *path: str) -> Element | None:
    """The first element down a path of local names, or None."""
    for name in path:
        found = kids(node, name)
        node = found[0] if found else None
        if node is None:
            return None
    return node


def every(node: Element, name: str) -> Iterable[Element]:
    """All descendants with this local name."""
    return (e for e in node.iter() if local(e.tag) == name)


def attr(node: Element | None, name: str) -> str:
    """An attribute of a possibly missing element ('' when absent); Elements without children are falsy."""
    return "" if node is None else (node.get(name) or "")


def text(node: Element | None) -> str:
    """The element's text, paragraphs joined, whitespace collapsed."""
    return "" if node is None else " ".join(" ".join(node.itertext()).split())


def parse_xml(data: bytes) -> Element:
    """Parse XML bytes safely: DTDs, entities and external references refused."""
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        return root
    except DefusedXmlException as exc:
        raise XmlRefused(
            f"XML refused: it declares a DTD or entities ({type(exc).__name__}); notices must not",
            f"XML을 거부했습니다: DTD나 엔터티를 선언합니다 ({type(exc).__name__})",
        ) from exc
    except ParseError as exc:
        raise XmlRefused(f"not well-formed XML: {exc}", f"올바른 XML이 아닙니다: {exc}") from exc


def _amount(node: Element | None, currency_attr: str) -> tuple[float | None, str | None]:
    if node is None:
        return None, None
    try:
        value = float((node.text or "").strip())
    except ValueError:
        return None, None
    currency = (node.get(currency_attr) or "").strip().upper()
    return value, currency if is_currency(currency) else None


def _r2_date(day: str, time: str = "") -> datetime | None:
    day = day.strip()
    if len(day) == 8 and day.isdigit():
        day = f"{day[:4]}-{day[4:6]}-{day[6:]}"
    return parse_datetime(f"{day}T{time.strip()}" if time.strip() else day) if day else None


def notice_from_ted_r2(root: Element, *, source: str = "ted", fx: FxLookup | None = None) -> Notice:
    """A Notice from a TED_EXPORT R2.0.9 document (the original-language form is used)."""
    doc_id = root.get("DOC_ID") or text(first(root, "CODED_DATA_SECTION", "NOTICE_DATA", "NO_DOC_OJS"))
    notice_data = first(root, "CODED_DATA_SECTION", "NOTICE_DATA")
    section = first(root, "FORM_SECTION")
    forms = [] if section is None else [f for f in section if isinstance(f.tag, str)]
    form = next((f for f in forms if f.get("CATEGORY") == "ORIGINAL"), forms[0] if forms else None)
    body = first(form, "CONTRACTING_BODY", "ADDRESS_CONTRACTING_BODY")
    obj = first(form, "OBJECT_CONTRACT")
    value, currency = _amount(first(obj, "VAL_TOTAL"), "CURRENCY")
    if value is None:
        value, currency = _amount(first(obj, "VAL_ESTIMATED_TOTAL"), "CURRENCY")
    nuts = [e.get("CODE") for d in kids(obj, "OBJECT_DESCR") for e in kids(d, "NUTS")]
    country = (
        country_iso3(attr(first(body, "COUNTRY"), "VALUE"))
        or next((c for c in map(nuts_country, nuts) if c), None)
        or country_iso3(attr(first(notice_data, "ISO_COUNTRY"), "VALUE"))
    )
    codes: dict[str, ItemCode] = {}
    for cpv in every(obj, "CPV_CODE") if obj is not None else []:
        code = cpv.get("CODE") or ""
        if code and code not in codes:
            codes[code] = ItemCode("CPV", code)
    procedure = first(form, "PROCEDURE")
    method = next(
        (_R2_METHODS[local(c.tag)] for c in ([] if procedure is None else procedure) if local(c.tag) in _R2_METHODS), ""
    )
    form_name = local(form.tag)[:3] if form is not None else ""
    stage: Stage = _R2_FORM_STAGE.get(form_name, "tender")
    notice_type = attr(first(form, "NOTICE"), "TYPE")
    if notice_type.startswith("PRI"):
        stage = "planning"
    elif "AWARD" in notice_type:
        stage = "award"
    deadline = _r2_date(text(first(procedure, "DATE_RECEIPT_TENDERS")), text(first(procedure, "TIME_RECEIPT_TENDERS")))
    published = _r2_date(text(first(root, "CODED_DATA_SECTION", "REF_OJS", "DATE_PUB")))
    lang = text(first(notice_data, "LG_ORIG")) or (form.get("LG", "") if form is not None else "")
    url = next((text(u) for u in every(root, "URI_DOC") if u.get("LG") == lang), "")
    docs = tuple(
        Document("Procurement documents", text(u)) for u in kids(first(form, "CONTRACTING_BODY"), "URL_DOCUMENT")
    )
    return Notice(
        ocid=f"ted-{doc_id}",
        source=SourceRef(source=source, notice_id=doc_id, url=url, published=published),
        title=text(first(obj, "TITLE")),
        description=text(first(obj, "SHORT_DESCR")),
        language=language_code(lang),
        country=country,
        buyer=text(first(body, "OFFICIALNAME")),
        procurement_method=method,
        stage=stage,
        value=value,
        currency=currency,
        value_usd=usd_value(value, currency, published, fx),
        published=published,
        tender_deadline=deadline,
        items=tuple(codes.values()),
        documents=docs,
    )


def _eforms_org(root: Element, org_id: str) -> Element | None:
    for company in every(root, "Company"):
        if text(first(company, "PartyIdentification", "ID")) == org_id:
            return company
    return None


def notice_from_eforms(root: Element, *, source: str = "ted-eforms", fx: FxLookup | None = None) -> Notice:
    """A Notice from an eForms notice (ContractNotice, ContractAwardNotice, PriorInformationNotice)."""
    notice_id = next((text(e) for e in kids(root, "ID") if e.get("schemeName") == "notice-id"), text(first(root, "ID")))
    publication = next((text(e) for e in every(root, "NoticePublicationID")), "")
    project = first(root, "ProcurementProject")
    buyer_id = text(first(root, "ContractingParty", "Party", "PartyIdentification", "ID"))
    company = _eforms_org(root, buyer_id) if buyer_id else None
    value, currency = None, None
    for result in every(root, "NoticeResult"):
        for name in ("TotalAmount", "OverallMaximumFrameworkContractsAmount"):
            if value is None:
                value, currency = _amount(first(result, name), "currencyID")
    if value is None:
        value, currency = _amount(
            first(project, "RequestedTenderTotal", "EstimatedOverallContractAmount"), "currencyID"
        )
    country = country_iso3(text(first(company, "PostalAddress", "Country", "IdentificationCode")))
    if country is None:
        for location in every(root, "RealizedLocation"):
            address = first(location, "Address")
            country = country_iso3(text(first(address, "Country", "IdentificationCode"))) or nuts_country(
                text(first(address, "CountrySubentityCode"))
            )
            if country:
                break
    codes: dict[tuple[str, str], ItemCode] = {}
    for element in every(root, "ItemClassificationCode"):
        scheme, code = (element.get("listName") or "other").upper(), text(element)
        if code and (scheme, code) not in codes:
            codes[(scheme, code)] = ItemCode(scheme, code)
    deadline = None
    for period in every(root, "TenderSubmissionDeadlinePeriod"):
        day, time = text(first(period, "EndDate")), text(first(period, "EndTime"))
        deadline = parse_datetime(f"{day[:10]}T{time}" if time else day[:10]) if day else None
        if deadline:
            break
    issue = text(first(root, "IssueDate"))
    published = parse_datetime(issue[:10]) if issue else None
    stage: Stage = {"PriorInformationNotice": "planning", "ContractAwardNotice": "award"}.get(  # type: ignore[assignment]
        local(root.tag), "tender"
    )
    if text(first(root, "NoticeTypeCode")) == "can-modif":
        stage = "contract"
    docs = tuple(
        Document("Procurement documents", text(uri))
        for ref in every(root, "CallForTendersDocumentReference")
        for uri in every(ref, "URI")
        if text(uri)
    )
    method_code = text(first(root, "TenderingProcess", "ProcedureCode"))
    number = publication or notice_id
    return Notice(
        ocid=f"ted-{number}",
        source=SourceRef(source=source, notice_id=number, published=published),
        title=text(first(project, "Name")),
        description=text(first(project, "Description")),
        language=language_code(text(first(root, "NoticeLanguageCode"))),
        country=country,
        buyer=text(first(company, "PartyName", "Name")),
        procurement_method=_EFORMS_METHODS.get(method_code, method_code),
        stage=stage,
        value=value,
        currency=currency,
        value_usd=usd_value(value, currency, published, fx),
        published=published,
        tender_deadline=deadline,
        items=tuple(codes.values()),
        documents=docs,
    )


def notice_from_xml(root: Element, *, source: str | None, fx: FxLookup | None) -> tuple[str, Notice]:
    """Pick the TED flavour from the root element and map it; ('ted r2.0.9' | 'ted eforms', Notice)."""
    name = local(root.tag)
    if name == "TED_EXPORT":
        return "ted r2.0.9", notice_from_ted_r2(root, source=source or "ted", fx=fx)
    if name in EFORMS_ROOTS:
        return "ted eforms", notice_from_eforms(root, source=source or "ted-eforms", fx=fx)
    raise XmlRefused(
        f"XML root element <{name}> is not a TED notice (expected TED_EXPORT or an eForms notice)",
        f"XML 최상위 요소 <{name}>는 TED 공고가 아닙니다 (TED_EXPORT 또는 eForms 공고여야 합니다)",
    )


def payload_of(notice: Notice, flavour: str) -> dict[str, Any]:
    """The fields kept as a TED item's payload (the XML itself stays in the file)."""
    return {
        "format": flavour,
        "notice_id": notice.source.notice_id,
        "title": notice.title,
        "buyer": notice.buyer,
        "country": notice.country,
        "value": notice.value,
        "currency": notice.currency,
        "cpv": [c.code for c in notice.items],
    }
