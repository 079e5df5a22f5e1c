"""Which Korean support instruments apply to a country (and optionally a project): one rule per instrument.

Each verdict carries the rule that decided it and the facts it read, in Korean and English, so that
the country page, the capital stack and matching all give the same answer for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

FirmSize = Literal["large", "middle", "sme", "startup", "public"]

INCOME_EN = {"L": "low income", "LM": "lower-middle income", "UM": "upper-middle income", "H": "high income"}
INCOME_KO = {"L": "저소득국", "LM": "중저소득국", "UM": "중고소득국", "H": "고소득국"}
WB = ("World Bank FY2026", "세계은행 FY2026")
OECD = ("OECD country risk, 2026-01-30", "OECD 국가신용도, 2026-01-30")


@dataclass(frozen=True)
class EligibilitySettings:
    """Thresholds the plan leaves to policy; editable as settings."""

    ultra_high_risk_min_category: int = 7
    pis_high_risk_categories: tuple[int, ...] = (6, 7)
    pis_equity_share: float = 0.20


@dataclass(frozen=True)
class CountryTerms:
    """The country facts the rules read."""

    iso3: str
    name_en: str
    name_ko: str
    income_group: str | None  # L, LM, UM, H or None when the World Bank does not classify it
    oecd_risk: int | None  # 0..7, None when the OECD does not classify it
    oecd_status: str = "classified"


@dataclass(frozen=True)
class ProjectTerms:
    """What is known of a project; every field optional, a rule says what it assumed."""

    commercial: bool | None = None
    spc: bool | None = None  # investment-development through an SPC, or a plain contract
    cost_usd: float | None = None
    firm_sizes: tuple[FirmSize, ...] = ()
    mdb_or_eca_partner: bool = False
    smart_city_technology: bool = True


@dataclass(frozen=True)
class Verdict:
    """One instrument's answer for one country/project, with its reason in both languages."""

    instrument: str
    eligible: bool
    reason_en: str
    reason_ko: str
    rule: str
    facts: dict[str, object] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)

    def reason(self, locale: str = "en") -> str:
        """The reason in the given locale."""
        return self.reason_ko if locale == "ko" else self.reason_en


def _income(c: CountryTerms) -> tuple[str, str]:
    if c.income_group is None:
        return "not classified by the World Bank", "세계은행 소득분류 없음"
    return INCOME_EN[c.income_group], INCOME_KO[c.income_group]


def _risk(c: CountryTerms) -> tuple[str, str]:
    if c.oecd_risk is None:
        return f"OECD risk not classified ({c.oecd_status})", "OECD 국가신용도 미분류"
    return f"OECD risk category {c.oecd_risk}", f"OECD 국가신용도 {c.oecd_risk}등급"


def _facts(c: CountryTerms) -> dict[str, object]:
    return {"income_group": c.income_group, "oecd_risk": c.oecd_risk, "source": [WB[0], OECD[0]]}


def _v(inst: str, ok: bool, en: str, ko: str, rule: str, c: CountryTerms, **terms: float) -> Verdict:
    label_en = INSTRUMENT_NAMES[inst][1]
    label_ko = INSTRUMENT_NAMES[inst][0]
    word_en = "eligible" if ok else "not eligible"
    word_ko = "지원 가능" if ok else "해당 없음"
    return Verdict(inst, ok, f"{label_en}: {word_en} — {en}", f"{label_ko}: {word_ko} — {ko}", rule,
                   _facts(c), dict(terms))


def edcf(c: CountryTerms, p: ProjectTerms | None, s: EligibilitySettings) -> Verdict:
    """EDCF: low or lower-middle income countries, non-commercial (aid) projects, tied."""
    rule = "income in {L, LM} and project non-commercial"
    inc_en, inc_ko = _income(c)
    if c.income_group not in ("L", "LM"):
        return _v("edcf", False, f"{c.name_en} is {inc_en} ({WB[0]}); EDCF serves low and lower-middle "
                  "income countries", f"{c.name_ko}은(는) {inc_ko}({WB[1]})로, EDCF는 저소득·중저소득국 대상",
                  rule, c)
    if p is not None and p.commercial is True:
        return _v("edcf", False, "the project is commercial; EDCF funds non-commercial aid projects",
                  "상업 사업이므로 해당 없음 (EDCF는 비상업 원조사업 대상)", rule, c)
    return _v("edcf", True, f"{c.name_en} is {inc_en} ({WB[0]}); for non-commercial aid projects (tied)",
              f"{c.name_ko}은(는) {inc_ko}({WB[1]}); 비상업 원조사업(구속성)", rule, c)


def edpf(c: CountryTerms, p: ProjectTerms | None, s: EligibilitySettings) -> Verdict:
    """EDPF: middle-income countries, commercial projects, untied; local corporations may borrow."""
    rule = "income in {LM, UM} and project commercial"
    inc_en, inc_ko = _income(c)
    if c.income_group not in ("LM", "UM"):
        return _v("edpf", False, f"{c.name_en} is {inc_en} ({WB[0]}); EDPF serves middle-income countries",
                  f"{c.name_ko}은(는) {inc_ko}({WB[1]})로, EDPF는 중소득국 대상", rule, c)
    if p is not None and p.commercial is False:
        return _v("edpf", False, "the project is non-commercial; EDPF funds commercial projects",
                  "비상업 사업이므로 해당 없음 (EDPF는 상업 사업 대상)", rule, c)
    borrower_en = "; local corporations may borrow for investment-development (SPC) projects"
    borrower_ko = "; 투자개발형(SPC) 사업은 현지 법인도 차입 가능"
    return _v("edpf", True, f"{c.name_en} is {inc_en} ({WB[0]}); commercial projects, untied{borrower_en}",
              f"{c.name_ko}은(는) {inc_ko}({WB[1]}); 상업 사업, 비구속성{borrower_ko}", rule, c)


def _special(inst: str, c: CountryTerms, s: EligibilitySettings) -> Verdict:
    rule = f"OECD risk category >= {s.ultra_high_risk_min_category}"
    r_en, r_ko = _risk(c)
    ok = c.oecd_risk is not None and c.oecd_risk >= s.ultra_high_risk_min_category
    if ok:
        return _v(inst, True, f"{c.name_en} is ultra-high risk ({r_en}); infrastructure orders that ordinary "
                  "export finance cannot cover", f"{c.name_ko}은(는) 초고위험국({r_ko}); 일반 수출금융으로 "
                  "지원이 어려운 인프라 수주 대상", rule, c)
    return _v(inst, False, f"{r_en} is below the ultra-high-risk threshold "
              f"({s.ultra_high_risk_min_category}); ordinary export finance applies",
              f"{r_ko}로 초고위험 기준({s.ultra_high_risk_min_category}등급) 미만; 일반 수출금융 대상", rule, c)


def ksure_special(c: CountryTerms, p: ProjectTerms | None, s: EligibilitySettings) -> Verdict:
    """K-SURE special account: infrastructure orders in ultra-high-risk countries."""
    return _special("ksure_special", c, s)


def kexim_special(c: CountryTerms, p: ProjectTerms | None, s: EligibilitySettings) -> Verdict:
    """KEXIM special account (1조원): usable for the same ultra-high-risk orders."""
    return _special("kexim_special", c, s)


def pis_fund(c: CountryTerms, p: ProjectTerms | None, s: EligibilitySettings) -> Verdict:
    """PIS fund: equity (20 % of an SPC's); high-risk countries only with an MDB or ECA co-investor."""
    rule = (f"investment-development (SPC); if OECD risk in {list(s.pis_high_risk_categories)}, "
            "an MDB or ECA co-invests")
    share = {"equity_share_of_spc": s.pis_equity_share}
    if p is not None and p.spc is False:
        return _v("pis_fund", False, "a plain contract; the PIS fund takes equity in SPCs of "
                  "investment-development projects", "단순 도급 사업이므로 해당 없음 (PIS 펀드는 투자개발형 "
                  "SPC 지분 투자)", rule, c)
    r_en, r_ko = _risk(c)
    pct = f"{s.pis_equity_share:.0%}"
    if c.oecd_risk is not None and c.oecd_risk in s.pis_high_risk_categories:
        if p is not None and p.mdb_or_eca_partner:
            return _v("pis_fund", True, f"high-risk country ({r_en}) allowed by exception with an MDB or ECA "
                      f"co-investor; up to {pct} of SPC equity", f"고위험국({r_ko})이나 MDB·ECA 공동투자로 예외 "
                      f"허용; SPC 지분의 {pct}까지", rule, c, **share)
        return _v("pis_fund", False, f"high-risk country ({r_en}): only by exception when an MDB or ECA "
                  "co-invests", f"고위험국({r_ko}): MDB·ECA 공동투자 시에만 예외적으로 가능", rule, c, **share)
    return _v("pis_fund", True, f"{r_en}; the fund takes about {pct} of an SPC's equity, losses borne "
              "government first, then public, then private", f"{r_ko}; SPC 지분의 약 {pct} 투자, 손실은 "
              "정부 → 공공 → 민간 순으로 부담", rule, c, **share)


def coexpansion(c: CountryTerms, p: ProjectTerms | None, s: EligibilitySettings) -> Verdict:
    """KEXIM co-expansion programme: better terms for SMEs with a large firm, or SMEs alone."""
    rule = "SME or startup in the consortium"
    sizes = set(p.firm_sizes) if p is not None else set()
    smes = sizes & {"sme", "startup"}
    leads = sizes & {"large", "public"}
    if p is None or not sizes:
        return _v("coexpansion", True, "applies when SMEs or startups take part: with a large firm, loan rate "
                  "−0.3 %p (up to −1 %p); alone, guarantee fee −0.1 %p or loan rate −0.3 %p",
                  "중소·스타트업 참여 시 적용: 대기업 동반 시 대출금리 0.3%p(최대 1%p) 인하, 단독 진출 시 "
                  "이행보증료 0.1%p 또는 대출금리 0.3%p 인하", rule, c)
    if smes and leads:
        return _v("coexpansion", True, "SMEs going with a large firm: loan rate −0.3 %p, up to −1 %p",
                  "대기업과 동반 진출하는 중소기업: 대출금리 0.3%p 인하(최대 1%p)", rule, c,
                  rate_cut_pct_points=0.3, max_rate_cut_pct_points=1.0)
    if smes:
        return _v("coexpansion", True, "an SME or startup contracting alone: performance-guarantee fee −0.1 %p "
                  "or contract-loan rate −0.3 %p", "중소·스타트업 단독 수주: 이행보증료 0.1%p 또는 계약자금 "
                  "대출금리 0.3%p 인하", rule, c, guarantee_fee_cut_pct_points=0.1, rate_cut_pct_points=0.3)
    return _v("coexpansion", False, "no SME or startup in the consortium", "컨소시엄에 중소·스타트업 없음",
              rule, c)


def market_development(c: CountryTerms, p: ProjectTerms | None, s: EligibilitySettings) -> Verdict:
    """Market-development fund: negotiation costs of SMEs and mid-size firms, up to 2억원 per project."""
    rule = "SME or mid-size firm bidding abroad"
    sizes = set(p.firm_sizes) if p is not None else set()
    if p is not None and sizes and not sizes & {"sme", "startup", "middle"}:
        return _v("market_development", False, "only for SMEs and mid-size firms", "중소·중견기업만 대상",
                  rule, c)
    tech = p is None or p.smart_city_technology
    sme_share = 0.80 if tech else 0.70
    return _v("market_development", True, "negotiation costs up to 2억원 per project; share paid SME 70 %, "
              "mid-size 50 %, up to 80 % for promising smart-city technology", "프로젝트당 최대 2억원의 "
              "협상 비용; 지원 비율 중소 70%, 중견 50%, 유망 스마트시티 기술 보유 시 최대 80%", rule, c,
              cap_krw_eok=2.0, sme_share=sme_share, middle_share=0.50)


def ksp_track(c: CountryTerms, p: ProjectTerms | None, s: EligibilitySettings) -> Verdict:
    """KSP smart-city track: about 5 % of KSP for planning (feasibility, master plan, O&M plan)."""
    rule = "developing country (not high income)"
    inc_en, inc_ko = _income(c)
    if c.income_group == "H":
        return _v("ksp_track", False, f"{c.name_en} is {inc_en}; KSP serves developing partners",
                  f"{c.name_ko}은(는) {inc_ko}; KSP는 개발도상 협력국 대상", rule, c)
    return _v("ksp_track", True, f"{c.name_en} is {inc_en}; feasibility study, master plan with financing "
              "plan, O&M plan", f"{c.name_ko}은(는) {inc_ko}; 타당성조사, 재원조달 포함 마스터플랜, 운영관리 계획",
              rule, c, ksp_budget_share=0.05)


def cross_demonstration(c: CountryTerms, p: ProjectTerms | None, s: EligibilitySettings) -> Verdict:
    """Developed economies: cross-demonstration of solutions, then joint entry into third countries."""
    rule = "high income"
    if c.income_group == "H":
        return _v("cross_demonstration", True, f"{c.name_en} is high income: cross-demonstrate solutions, then "
                  "enter third countries together (e.g. Netherlands ↔ Korea)", f"{c.name_ko}은(는) 고소득국: "
                  "솔루션 교차 실증 후 제3국 공동 진출 (예: 네덜란드 ↔ 한국)", rule, c)
    inc_en, inc_ko = _income(c)
    return _v("cross_demonstration", False, f"{c.name_en} is {inc_en}; the strategy is for developed economies",
              f"{c.name_ko}은(는) {inc_ko}; 선진국 대상 전략", rule, c)


INSTRUMENT_NAMES: dict[str, tuple[str, str]] = {
    "edcf": ("대외경제협력기금(EDCF)", "EDCF"),
    "edpf": ("경제협력증진자금(EDPF)", "EDPF"),
    "ksure_special": ("무역보험공사 특별계정", "K-SURE special account"),
    "kexim_special": ("수출입은행 특별계정", "KEXIM special account"),
    "pis_fund": ("PIS 펀드", "PIS fund"),
    "coexpansion": ("대·중소 동반진출 프로그램", "Co-expansion programme"),
    "market_development": ("시장개척자금", "Market-development fund"),
    "ksp_track": ("KSP 스마트시티 트랙", "KSP smart-city track"),
    "cross_demonstration": ("교차 실증 전략", "Cross-demonstration strategy"),
}

Rule = Callable[[CountryTerms, ProjectTerms | None, EligibilitySettings], Verdict]
RULES: dict[str, Rule] = {
    "edcf": edcf,
    "edpf": edpf,
    "ksure_special": ksure_special,
    "kexim_special": kexim_special,
    "pis_fund": pis_fund,
    "coexpansion": coexpansion,
    "market_development": market_development,
    "ksp_track": ksp_track,
    "cross_demonstration": cross_demonstration,
}


def eligible_instruments(country: CountryTerms, project: ProjectTerms | None = None,
                         settings: EligibilitySettings | None = None) -> tuple[Verdict, ...]:
    """Every instrument's verdict for a country and optionally a project, in a stable order."""
    s = settings or EligibilitySettings()
    return tuple(rule(country, project, s) for rule in RULES.values())


def verdict_for(instrument: str, country: CountryTerms, project: ProjectTerms | None = None,
                settings: EligibilitySettings | None = None) -> Verdict:
    """One instrument's verdict (KeyError for an unknown instrument id)."""
    return RULES[instrument](country, project, settings or EligibilitySettings())
