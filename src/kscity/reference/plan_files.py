"""Readers for the plan files: taxonomy, archetypes, reference cases, instruments and the 25 tasks."""

from __future__ import annotations

from typing import cast

from kscity.model.country import ReferenceCase
from kscity.reference._parse import Cell, Directory, Node, read_text, read_yaml, unique
from kscity.reference.country_files import INCOME_GROUPS, country_codes, iso3_cell
from kscity.reference.errors import ReferenceFileError
from kscity.reference.records import (
    TASK_STATUSES,
    Archetype,
    ArchetypeExample,
    CaseDetail,
    CaseFigure,
    Instrument,
    InstrumentSettings,
    Owner,
    Strategy,
    Task,
    TaskStatus,
    TaxonomyService,
    TaxonomySub,
)

HALF_YEAR = r"\d{4}H[12]"
ID = r"[a-z][a-z0-9_]*"
FIGURE_UNITS = ("km", "km2", "pyeong", "homes", "people", "households", "krw_eok", "usd", "date",
                "countries", "cities")
CASE_FIGURE_DATE = r"\d{4}(-(0[1-9]|1[0-2]))?(/\d{4})?"


# ---------------------------------------------------------------- taxonomy

def load_taxonomy(directory: Directory = None) -> tuple[TaxonomyService, ...]:
    """Read taxonomy.yaml: the seven services and their sub-solutions."""
    name = "taxonomy.yaml"
    doc = Node(name, read_yaml(read_text(directory, name), name), 1, "(document)")
    out: list[TaxonomyService] = []
    seen: set[object] = set()
    for svc in doc.children("services"):
        svc.only(("id", "ko", "en", "subs"))
        sid = svc.cell("id").pattern(ID, "a lower-case id")
        unique(seen, sid, svc.cell("id"))
        subs: list[TaxonomySub] = []
        for sub in svc.children("subs"):
            sub.only(("id", "ko", "en"))
            sub_id = sub.cell("id").pattern(ID, "a lower-case id")
            unique(seen, sub_id, sub.cell("id"))
            subs.append(TaxonomySub(sub_id, sub.cell("ko").text(), sub.cell("en").text()))
        out.append(TaxonomyService(sid, svc.cell("ko").text(), svc.cell("en").text(), tuple(subs)))
    if not out:
        raise ReferenceFileError(name, 1, "services", "expected at least one service")
    return tuple(out)


def _service_ids(directory: Directory) -> tuple[frozenset[str], frozenset[str]]:
    services = load_taxonomy(directory)
    return frozenset(s.id for s in services), frozenset(sub.id for s in services for sub in s.subs)


def _ids_in(cell: Cell, allowed: frozenset[str], what: str) -> tuple[str, ...]:
    values = cell.string_list()
    for value in values:
        if value not in allowed:
            raise cell.fail(f"expected {what}, got {value!r}")
    return values


# ---------------------------------------------------------------- archetypes, cases

def load_archetypes(directory: Directory = None) -> tuple[Archetype, ...]:
    """Read archetypes.yaml: the four target archetypes with examples and leading services."""
    name = "archetypes.yaml"
    doc = Node(name, read_yaml(read_text(directory, name), name), 1, "(document)")
    codes = country_codes(directory)
    services, _ = _service_ids(directory)
    out: list[Archetype] = []
    seen: set[object] = set()
    for node in doc.children("archetypes"):
        node.only(("id", "ko", "en", "meaning_ko", "meaning_en", "examples", "lead_services",
                   "lead_services_basis"))
        aid = node.cell("id").pattern(ID, "a lower-case id")
        unique(seen, aid, node.cell("id"))
        examples = []
        for ex in node.children("examples"):
            ex.only(("name_ko", "name_en", "iso3", "case"))
            examples.append(ArchetypeExample(
                ex.cell("name_ko").text(), ex.cell("name_en").text(), iso3_cell(ex.cell("iso3"), codes),
                ex.cell("case", required=False).optional_text(),
            ))
        out.append(Archetype(
            id=aid, ko=node.cell("ko").text(), en=node.cell("en").text(),
            meaning_ko=node.cell("meaning_ko").text(), meaning_en=node.cell("meaning_en").text(),
            examples=tuple(examples),
            lead_services=_ids_in(node.cell("lead_services"), services, "a service id of taxonomy.yaml"),
            lead_services_basis=node.cell("lead_services_basis").choice(("plan", "kscity")),
        ))
    return tuple(out)


def read_cases(directory: Directory) -> list[tuple[ReferenceCase, CaseDetail]]:
    """Read reference_cases.yaml once into ReferenceCase values with their details."""
    name = "reference_cases.yaml"
    doc = Node(name, read_yaml(read_text(directory, name), name), 1, "(document)")
    codes = country_codes(directory)
    services, subs = _service_ids(directory)
    archetypes = tuple(a.id for a in load_archetypes(directory))
    out: list[tuple[ReferenceCase, CaseDetail]] = []
    seen: set[object] = set()
    for node in doc.children("cases"):
        node.only(("key", "name_en", "name_ko", "countries", "country_count", "summary_en", "summary_ko",
                   "value_krw_eok", "status_en", "status_ko", "archetype", "services", "sub_solutions",
                   "services_basis", "figures"))
        key = node.cell("key").pattern(ID, "a lower-case id")
        unique(seen, key, node.cell("key"))
        countries_cell = node.cell("countries")
        countries = countries_cell.string_list()
        if not countries:
            raise countries_cell.fail("expected at least one ISO3 code")
        for iso3 in countries:
            iso3_cell(Cell(name, countries_cell.line, "countries", iso3), codes)
        figures = []
        for fig in node.children("figures"):
            fig.only(("key", "value", "unit", "date"))
            unit = fig.cell("unit").choice(FIGURE_UNITS)
            value = fig.cell("value", required=unit != "date").optional_number()
            when = fig.cell("date", required=unit == "date").pattern(
                CASE_FIGURE_DATE, "YYYY, YYYY-MM or YYYY/YYYY", required=unit == "date")
            figures.append(CaseFigure(fig.cell("key").pattern(ID, "a lower-case id"), unit, value, when or None))
        archetype = node.cell("archetype", required=False).choice(archetypes, required=False)
        case = ReferenceCase(
            key=key, name_en=node.cell("name_en").text(), name_ko=node.cell("name_ko").text(),
            countries=countries, summary_en=node.cell("summary_en").text(),
            summary_ko=node.cell("summary_ko").text(),
            value_krw_eok=node.cell("value_krw_eok", required=False).optional_number(),
            status_en=node.cell("status_en").text(), status_ko=node.cell("status_ko").text(),
            archetype=archetype or None,
        )
        detail = CaseDetail(
            key=key,
            services=_ids_in(node.cell("services", required=False), services, "a service id of taxonomy.yaml"),
            sub_solutions=_ids_in(node.cell("sub_solutions", required=False), subs,
                                  "a sub-solution id of taxonomy.yaml"),
            services_basis=node.cell("services_basis").choice(("plan", "archetype", "none")),
            country_count=node.cell("country_count", required=False).optional_integer(low=1),
            figures=tuple(figures),
        )
        out.append((case, detail))
    return out


def load_reference_cases(directory: Directory = None) -> tuple[ReferenceCase, ...]:
    """Read reference_cases.yaml: the plan's seven reference cases."""
    return tuple(c for c, _ in read_cases(directory))


def load_case_details(directory: Directory = None) -> tuple[CaseDetail, ...]:
    """Read the figures, services and country counts of reference_cases.yaml."""
    return tuple(d for _, d in read_cases(directory))


# ---------------------------------------------------------------- instruments

INSTRUMENT_KINDS = ("equity_fund", "concessional_loan", "loan", "insurance", "subsidy", "advisory", "grant",
                    "cofinance")


def _instrument_doc(directory: Directory) -> Node:
    name = "instruments.yaml"
    return Node(name, read_yaml(read_text(directory, name), name), 1, "(document)")


def load_instrument_settings(directory: Directory = None) -> InstrumentSettings:
    """Read the settings block of instruments.yaml (risk categories the finance rules use)."""
    node = _instrument_doc(directory).mapping("settings")
    node.only(("ultra_high_risk_min_category", "pis_high_risk_categories"))
    cats_cell = node.cell("pis_high_risk_categories")
    cats = tuple(Cell(cats_cell.file, cats_cell.line, cats_cell.field, c).integer(low=0, high=7)
                 for c in cats_cell.string_list())
    return InstrumentSettings(node.cell("ultra_high_risk_min_category").integer(low=0, high=7), cats)


def load_instruments(directory: Directory = None) -> tuple[Instrument, ...]:
    """Read instruments.yaml: the plan's finance instruments with rules and numeric parameters."""
    out: list[Instrument] = []
    seen: set[object] = set()
    for node in _instrument_doc(directory).children("instruments"):
        node.only(("id", "name_ko", "name_en", "provider_ko", "provider_en", "kind", "rules_ko", "rules_en",
                   "params", "flags", "eligible_income_groups", "loss_order"))
        iid = node.cell("id").pattern(ID, "a lower-case id")
        unique(seen, iid, node.cell("id"))
        params_node = node.mapping("params")
        params = {k: params_node.cell(k).number() for k in sorted(params_node.keys())}
        flags_node = node.mapping("flags")
        flags = {k: flags_node.cell(k).boolean() for k in sorted(flags_node.keys())}
        groups_cell = node.cell("eligible_income_groups", required=False)
        groups = groups_cell.string_list()
        for g in groups:
            if g not in INCOME_GROUPS:
                raise groups_cell.fail(f"expected one of {', '.join(INCOME_GROUPS)}, got {g!r}")
        out.append(Instrument(
            id=iid, name_ko=node.cell("name_ko").text(), name_en=node.cell("name_en").text(),
            provider_ko=node.cell("provider_ko").text(), provider_en=node.cell("provider_en").text(),
            kind=node.cell("kind").choice(INSTRUMENT_KINDS),
            rules_ko=node.cell("rules_ko").string_list(), rules_en=node.cell("rules_en").string_list(),
            params=params, flags=flags, eligible_income_groups=groups,
            loss_order=node.cell("loss_order", required=False).string_list(),
        ))
    return tuple(out)


# ---------------------------------------------------------------- tasks

def _task_doc(directory: Directory) -> Node:
    name = "tasks.yaml"
    return Node(name, read_yaml(read_text(directory, name), name), 1, "(document)")


def load_owners(directory: Directory = None) -> tuple[Owner, ...]:
    """Read the owners (ministries and agencies) of tasks.yaml."""
    out: list[Owner] = []
    seen: set[object] = set()
    for node in _task_doc(directory).children("owners"):
        node.only(("code", "ko", "en"))
        code = node.cell("code").pattern(r"[A-Z]+", "an upper-case code")
        unique(seen, code, node.cell("code"))
        out.append(Owner(code, node.cell("ko").text(), node.cell("en").text()))
    return tuple(out)


def load_strategies(directory: Directory = None) -> tuple[Strategy, ...]:
    """Read the four strategies of tasks.yaml."""
    out: list[Strategy] = []
    seen: set[object] = set()
    for node in _task_doc(directory).children("strategies"):
        node.only(("id", "ko", "en"))
        sid = node.cell("id").integer(low=1, high=4)
        unique(seen, sid, node.cell("id"))
        out.append(Strategy(sid, node.cell("ko").text(), node.cell("en").text()))
    return tuple(out)


def load_tasks(directory: Directory = None) -> tuple[Task, ...]:
    """Read tasks.yaml: the plan's 25 tasks with due half-year, owners and status."""
    owners = {o.code for o in load_owners(directory)}
    strategies = tuple(str(s.id) for s in load_strategies(directory))
    instruments = frozenset(i.id for i in load_instruments(directory))
    out: list[Task] = []
    seen: set[object] = set()
    for node in _task_doc(directory).children("tasks"):
        node.only(("number", "strategy", "title_ko", "title_en", "due", "ongoing", "owners", "status", "instrument"))
        number = node.cell("number").integer(low=1, high=25)
        unique(seen, number, node.cell("number"))
        strategy = int(node.cell("strategy").choice(strategies))
        due = node.cell("due").pattern(HALF_YEAR, "a half-year like 2019H2 (or null)", required=False)
        ongoing = node.cell("ongoing").boolean()
        if not due and not ongoing:
            raise node.cell("due").fail("a task without a due half-year must be ongoing")
        owners_cell = node.cell("owners")
        task_owners = owners_cell.string_list()
        if not task_owners:
            raise owners_cell.fail("expected at least one owner code")
        for code in task_owners:
            if code not in owners:
                raise owners_cell.fail(f"expected an owner code of the owners list, got {code!r}")
        instrument = node.cell("instrument", required=False).optional_text()
        if instrument is not None and instrument not in instruments:
            raise node.cell("instrument").fail(f"expected an instrument id of instruments.yaml, got {instrument!r}")
        out.append(Task(
            number=number, strategy=strategy,
            title_ko=node.cell("title_ko").text(), title_en=node.cell("title_en").text(),
            due=due or None, ongoing=ongoing, owners=task_owners,
            status=cast(TaskStatus, node.cell("status", required=False).choice(TASK_STATUSES, required=False)
                        or "planned"),
            instrument=instrument,
        ))
    return tuple(sorted(out, key=lambda t: t.number))
