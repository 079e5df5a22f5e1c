"""Per-country entry strategy: the solution level a country needs, read from the plan's §6 rule.

The plan: developing countries get specialised solutions by field — infrastructure (5G, IoT) where the
digital base is thin, platforms (software, big data, cloud) where it exists, then transport, energy and
environment; developed economies (EU, USA, Singapore) get cross-demonstration and joint entry into
third countries. kscity reads "thin" from World Bank indicators with thresholds kept here, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

INTERNET = "IT.NET.USER.ZS"
ELECTRICITY = "EG.ELC.ACCS.ZS"
THIN_INTERNET_PCT = 50.0  # below this share of people online, connectivity comes first
THIN_ELECTRICITY_PCT = 90.0


@dataclass(frozen=True)
class SolutionLevel:
    """The level of solution a country needs and the services to lead with, with the reason."""

    level: str  # infrastructure | platform | cross_demonstration | unknown
    lead_services: tuple[str, ...]
    reason_en: str
    reason_ko: str


def solution_level(income_group: str | None, indicators: dict[str, float]) -> SolutionLevel:
    """Which solution level fits a country, from its income group and digital/energy indicators."""
    if income_group == "H":
        return SolutionLevel("cross_demonstration", ("data", "energy", "eco"),
                             "High income: cross-demonstrate Korean and local solutions, then enter third "
                             "countries together (plan §6)",
                             "고소득국: 한국과 현지 솔루션을 교차 실증한 뒤 제3국 공동 진출 (계획 §6)")
    internet = indicators.get(INTERNET)
    power = indicators.get(ELECTRICITY)
    if internet is None and power is None:
        return SolutionLevel("unknown", (), "No World Bank indicators to judge the digital base",
                             "디지털 기반을 판단할 세계은행 지표가 없음")
    thin = (internet is not None and internet < THIN_INTERNET_PCT) or (
        power is not None and power < THIN_ELECTRICITY_PCT)
    facts_en = ", ".join(f for f in (
        f"{internet:.0f} % of people online" if internet is not None else "",
        f"{power:.0f} % with electricity" if power is not None else "") if f)
    facts_ko = ", ".join(f for f in (
        f"인터넷 이용률 {internet:.0f}%" if internet is not None else "",
        f"전력 보급률 {power:.0f}%" if power is not None else "") if f)
    if thin:
        return SolutionLevel("infrastructure", ("data", "energy", "transport"),
                             f"Infrastructure first (5G, IoT, power): {facts_en}",
                             f"인프라 우선(5G·IoT·전력): {facts_ko}")
    return SolutionLevel("platform", ("safety", "administration", "transport", "eco"),
                         f"Platforms (software, big data, cloud) on an existing digital base: {facts_en}",
                         f"기존 디지털 기반 위 플랫폼(소프트웨어·빅데이터·클라우드): {facts_ko}")
