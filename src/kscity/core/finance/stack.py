"""The proposed capital stack of one project: which instruments fit (eligibility rules) and how much each takes.

Instrument rules come only from kscity.core.eligibility; amounts from the editable stack policy; terms from
the terms table. Amounts are whole cents so that the lines add up exactly to the cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kscity.core.eligibility import CountryTerms, EligibilitySettings, ProjectTerms, Verdict, eligible_instruments
from kscity.core.finance.grant_element import loan_grant_element, package_grant_element
from kscity.core.finance.tables import FinanceTables
from kscity.errors import InvalidInput

MAX_TENOR_YEARS = 40
MAX_CONSTRUCTION_YEARS = 10
MAX_COST_USD = 1e12


@dataclass(frozen=True)
class StackRequest:
    """What the officer tells us about the project."""

    country: CountryTerms
    cost_usd: float
    commercial: bool
    spc: bool
    firm_sizes: tuple[str, ...] = ()
    tenor_years: int = 20
    construction_years: int = 3
    mdb_partner: bool = False


@dataclass(frozen=True)
class StackLine:
    """One source of money in the stack with its terms and why it is there."""

    instrument: str
    kind: str
    amount_usd: float
    share: float
    rate_pct: float
    tenor_years: int
    grace_years: int
    target_return_pct: float
    grant_element: float
    reason_en: str
    reason_ko: str
    source: str
    name_en: str
    name_ko: str
    extra_terms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Stack:
    """The proposed package: lines adding up to the cost, the instruments left out, the grant element."""

    request: StackRequest
    lines: tuple[StackLine, ...]
    not_offered: tuple[Verdict, ...]
    grant_element: float
    discount_rate_pct: float
    discount_convention: str
    discount_source: str
    oda_threshold_pct: float
    discount_source_ko: str


def validate_request(req: StackRequest) -> None:
    """Raise InvalidInput naming the field and its allowed range."""
    if not 0 < req.cost_usd <= MAX_COST_USD:
        raise InvalidInput(f"cost_usd must be > 0 and ≤ {MAX_COST_USD:,.0f} (got {req.cost_usd:,.2f})",
                           f"cost_usd(사업비)는 0보다 크고 {MAX_COST_USD:,.0f} 이하여야 합니다 "
                           f"(입력값 {req.cost_usd:,.2f})")
    if not 1 <= req.tenor_years <= MAX_TENOR_YEARS:
        raise InvalidInput(f"tenor_years must be between 1 and {MAX_TENOR_YEARS} (got {req.tenor_years})",
                           f"tenor_years(기간)는 1~{MAX_TENOR_YEARS}년이어야 합니다 (입력값 {req.tenor_years})")
    if not 1 <= req.construction_years <= min(MAX_CONSTRUCTION_YEARS, req.tenor_years - 1):
        top = min(MAX_CONSTRUCTION_YEARS, req.tenor_years - 1)
        raise InvalidInput(f"construction_years must be between 1 and {top} (got {req.construction_years})",
                           f"construction_years(건설기간)는 1~{top}년이어야 합니다 (입력값 {req.construction_years})")
    bad = [f for f in req.firm_sizes if f not in ("large", "middle", "sme", "startup", "public")]
    if bad:
        raise InvalidInput(f"firm must be one of large, middle, sme, startup, public (got {bad[0]!r})",
                           f"firm(기업 규모)은 large, middle, sme, startup, public 중 하나여야 합니다 "
                           f"(입력값 {bad[0]!r})")


def _cents(x: float) -> int:
    return round(x * 100)


_OWN_REASONS: dict[str, tuple[str, str]] = {
    "koica_grant": ("KOICA grant: non-commercial project in a low or lower-middle income country",
                    "KOICA 무상원조: 저소득·중저소득국의 비상업 사업"),
    "mdb_cofinance": ("MDB co-finance: an MDB or ECA partner co-finances the project",
                      "MDB 협조융자: MDB·ECA 파트너의 공동 금융"),
    "kexim_export_credit": ("KEXIM export credit for the Korean export content (OECD Arrangement, ≤ 85 % of the "
                            "export contract)",
                            "한국 수출분에 대한 수출입은행 수출금융 (OECD 수출신용협약, 계약액의 85% 이내)"),
    "private_equity": ("Sponsors' equity: the SPC equity not taken by the PIS fund",
                       "사업주 지분: PIS 펀드가 투자하지 않은 SPC 지분"),
    "private_debt": ("Commercial bank debt for the rest of the cost", "나머지 사업비에 대한 상업은행 대출"),
}


class _Allocator:
    """Hands out whole cents in policy order until the need is met."""

    def __init__(self) -> None:
        self.taken: dict[str, int] = {}

    def take(self, instrument: str, want_cents: int, need_cents: int) -> int:
        amount = max(0, min(want_cents, need_cents))
        if amount:
            self.taken[instrument] = self.taken.get(instrument, 0) + amount
        return need_cents - amount


def build_stack(req: StackRequest, tables: FinanceTables, settings: EligibilitySettings | None = None) -> Stack:
    """Propose a capital stack for a project from the eligibility rules, the policy and the terms table."""
    validate_request(req)
    project = ProjectTerms(commercial=req.commercial, spc=req.spc, cost_usd=req.cost_usd,
                           firm_sizes=tuple(req.firm_sizes), mdb_or_eca_partner=req.mdb_partner)  # type: ignore[arg-type]
    verdicts = {v.instrument: v for v in eligible_instruments(req.country, project, settings)}

    def ok(inst: str) -> bool:
        return verdicts[inst].eligible

    pol = tables.number
    cost = _cents(req.cost_usd)
    income = req.country.income_group
    alloc = _Allocator()

    # Equity first: an SPC is geared; PIS takes its share of the equity when the rule allows.
    need = cost
    if req.spc:
        equity = _cents(req.cost_usd * pol("spc_equity_share"))
        pis_share = float(verdicts["pis_fund"].terms.get("equity_share_of_spc", 0.0))
        rest = alloc.take("pis_fund", round(equity * pis_share), equity) if ok("pis_fund") else equity
        alloc.take("private_equity", rest, rest)
        need -= equity

    # Debt and grants, cheapest first.
    if not req.commercial and income in ("L", "LM"):
        grant = min(_cents(req.cost_usd * pol(f"koica_grant_share_{income}")), _cents(pol("koica_grant_cap_usd")))
        need = alloc.take("koica_grant", grant, need)
    if ok("edcf"):
        need = alloc.take("edcf", _cents(req.cost_usd * pol("edcf_max_share")), need)
    if ok("edpf"):
        need = alloc.take("edpf", _cents(req.cost_usd * pol("edpf_max_share")), need)
    if req.mdb_partner:
        need = alloc.take("mdb_cofinance", _cents(req.cost_usd * pol("mdb_share")), need)
    smes = set(req.firm_sizes) & {"sme", "startup"}
    if smes and ok("coexpansion"):
        want = min(_cents(req.cost_usd * pol("coexpansion_sme_works_share")), _cents(pol("coexpansion_cap_usd")))
        need = alloc.take("coexpansion", want, need)
    if ok("ksure_special") or ok("kexim_special"):
        # Ultra-high risk: ordinary export finance cannot cover, so the special accounts take its place.
        if ok("kexim_special"):
            need = alloc.take("kexim_special", _cents(req.cost_usd * pol("kexim_special_share")), need)
        need = alloc.take("ksure_special" if ok("ksure_special") else "private_debt", need, need)
    else:
        need = alloc.take("kexim_export_credit", _cents(req.cost_usd * pol("export_credit_max_share")), need)
        need = alloc.take("private_debt", need, need)
    assert need == 0 and sum(alloc.taken.values()) == cost

    conv = str(tables.policy.get("grant_element_convention", "oecd_dac_2018"))
    disc = tables.discount_rate(conv, income)
    lines = [_line(inst, cents, cost, req, tables, verdicts, disc.rate_pct) for inst, cents in alloc.taken.items()]
    ge = package_grant_element([ln.amount_usd for ln in lines], [ln.grant_element for ln in lines])
    used = set(alloc.taken)
    left_out = tuple(v for v in verdicts.values() if v.instrument not in used and not v.eligible
                     and v.instrument in ("edcf", "edpf", "ksure_special", "kexim_special", "pis_fund", "coexpansion"))
    return Stack(req, tuple(lines), left_out, ge, disc.rate_pct, conv, disc.source, disc.oda_threshold_pct,
                 disc.source_ko)


def _line(inst: str, cents: int, cost: int, req: StackRequest, tables: FinanceTables,
          verdicts: dict[str, Verdict], discount_pct: float) -> StackLine:
    t = tables.terms_for(inst, req.country.income_group)
    rate, extra = t.rate_pct, {}
    if inst == "coexpansion":
        # The SME rate cut is the eligibility rule's, applied to the programme's base rate.
        cut = float(verdicts["coexpansion"].terms.get("rate_cut_pct_points", 0.0))
        rate, extra = max(rate - cut, 0.0), {"rate_cut_pct_points": cut, "base_rate_pct": t.rate_pct}
    # A loan cannot outlive the project; grace stays inside the tenor.
    tenor = min(t.tenor_years, req.tenor_years) if t.kind == "loan" else t.tenor_years
    grace = min(t.grace_years, max(tenor - 1, 0))
    ge = 1.0 if t.kind == "grant" else loan_grant_element(rate, tenor, grace, discount_pct) if t.kind == "loan" else 0.0
    if inst in verdicts:
        en, ko = verdicts[inst].reason_en, verdicts[inst].reason_ko
    else:
        en, ko = _OWN_REASONS[inst]
    return StackLine(inst, t.kind, cents / 100, cents / cost, rate, tenor, grace, t.target_return_pct, ge, en, ko,
                     t.source, t.name_en, t.name_ko, extra)
