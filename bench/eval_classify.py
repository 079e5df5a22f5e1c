"""Evaluation of the notice classifier: text predictions (codes ignored) against labels from the code table.

Three sets: (1) the shared OCDS folders and TED R2.0.9 notices, labelled by their CPV/UNSPSC codes;
(2) TED's own multilingual titles (up to 24 EU languages per notice), same labels; (3) the hand-labelled
multilingual set in tests/core/fixtures/classify_handset.yaml. Three text methods are compared in
the same run: lexicon, embedding, hybrid (the default). The baseline in each row is "always
not_smart_city", so a majority class cannot carry the macro-F1.

Run alone: .venv/bin/python bench/eval_classify.py [--quick]
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from kscity.core.classify import classify_codes, notice_text
from kscity.core.classify.text import TextModel
from kscity.model.opportunity import NOT_SMART_CITY, ItemCode, Notice, SourceRef
from kscity.reference.classification import code_table, text_model

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KSCITY_SHARED_DATA", ROOT.parent / "shared" / "data"))
HANDSET = ROOT / "tests" / "core" / "fixtures" / "classify_handset.yaml"
TARGET_MACRO_F1 = 0.80
TARGET_SMART_RECALL = 0.90


# ---- a small local loader (the ingest package's readers are used once they expose read_file) ----
def _releases(obj: Any) -> Iterator[dict[str, Any]]:
    if isinstance(obj, list):
        for o in obj:
            yield from _releases(o)
    elif isinstance(obj, dict):
        if isinstance(obj.get("records"), list):
            for rec in obj["records"]:
                if isinstance(rec, dict) and isinstance(rec.get("compiledRelease"), dict):
                    yield rec["compiledRelease"]
                elif isinstance(rec, dict):
                    yield from (r for r in rec.get("releases") or [] if isinstance(r, dict) and "ocid" in r)
        elif isinstance(obj.get("releases"), list):
            yield from (r for r in obj["releases"] if isinstance(r, dict))
        elif "ocid" in obj:
            yield obj


def _items(release: dict[str, Any]) -> list[ItemCode]:
    out: list[ItemCode] = []
    blocks = [release.get("tender") or {}, *(release.get("awards") or []), *(release.get("contracts") or [])]
    for block in blocks:
        for item in (block.get("items") or []) if isinstance(block, dict) else []:
            if not isinstance(item, dict):
                continue
            for c in [item.get("classification"), *(item.get("additionalClassifications") or [])]:
                if isinstance(c, dict) and c.get("id"):
                    out.append(ItemCode(str(c.get("scheme") or ""), str(c["id"]), str(c.get("description") or "")))
    return out


def load_ocds(folder: Path) -> list[Notice]:
    """One notice per ocid from every JSON file under folder (broken files skipped)."""
    by_ocid: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        for rel in _releases(data):
            ocid = str(rel.get("ocid") or "")
            if not ocid:
                continue
            acc = by_ocid.setdefault(ocid, {"title": "", "description": "", "items": [], "lang": "",
                                            "source": folder.name})
            tender = rel.get("tender") or {}
            titles = [tender.get("title"), *[a.get("title") for a in rel.get("awards") or [] if isinstance(a, dict)],
                      *[c.get("title") for c in rel.get("contracts") or [] if isinstance(c, dict)],
                      ((rel.get("planning") or {}).get("budget") or {}).get("description")]
            acc["title"] = acc["title"] or next((str(t) for t in titles if t), "")
            acc["description"] = acc["description"] or str(tender.get("description") or "")
            acc["lang"] = acc["lang"] or str(rel.get("language") or "")
            acc["items"].extend(_items(rel))
    return [Notice(ocid, SourceRef(f"ocds:{v['source']}", ocid), v["title"], v["description"], v["lang"],
                   items=tuple(dict.fromkeys(v["items"]))) for ocid, v in by_ocid.items()]


def _local(el: Any) -> str:
    return str(etree.QName(el).localname)


def load_ted(folder: Path) -> tuple[list[Notice], list[tuple[str, str, Notice]]]:
    """TED R2.0.9 notices (original-language title and short description) and their per-language titles."""
    notices: list[Notice] = []
    ml: list[tuple[str, str, Notice]] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for path in sorted(folder.glob("*.xml")):
        root = etree.parse(str(path), parser).getroot()
        codes = [ItemCode("CPV", str(e.get("CODE"))) for e in root.iter() if _local(e) == "CPV_CODE" and e.get("CODE")]
        codes += [ItemCode("CPV", str(e.get("CODE"))) for e in root.iter()
                  if _local(e) == "ORIGINAL_CPV" and e.get("CODE")]
        lg = next((e.text or "" for e in root.iter() if _local(e) == "LG_ORIG"), "").strip()
        form = next((f for f in root.iter() if _local(f).startswith("F") and f.get("LG") == lg), None)
        title = descr = ""
        if form is not None:
            for e in form.iter():
                if _local(e) == "TITLE" and not title:
                    title = " ".join(t.strip() for t in e.itertext() if t.strip())
                if _local(e) == "SHORT_DESCR" and not descr:
                    descr = " ".join(t.strip() for t in e.itertext() if t.strip())
        nid = path.stem
        base = Notice(nid, SourceRef("ted", nid), title, descr, lg.lower(), items=tuple(dict.fromkeys(codes)))
        notices.append(base)
        for doc in (e for e in root.iter() if _local(e) == "ML_TI_DOC"):
            text = " ".join(t.strip() for e in doc if _local(e) == "TI_TEXT" for t in e.itertext() if t.strip())
            if text:
                ml.append((nid, str(doc.get("LG")).lower(), Notice(nid, SourceRef("ted", nid), text, items=base.items)))
    return notices, ml


# ---- metrics ----
def scores(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """Per-class precision/recall/F1 and support, macro-F1 over classes present in gold, smart-city recall."""
    classes = sorted(set(gold))
    per: dict[str, dict[str, float]] = {}
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[c] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn}
    smart = [(g, p) for g, p in zip(gold, pred, strict=True) if g != NOT_SMART_CITY]
    smart_recall = sum(p != NOT_SMART_CITY for _, p in smart) / len(smart) if smart else float("nan")
    return {"per_class": per, "macro_f1": sum(v["f1"] for v in per.values()) / len(per) if per else float("nan"),
            "smart_recall": smart_recall, "n": len(gold), "n_smart": len(smart),
            "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else float("nan")}


def _by_language(gold: list[str], pred: list[str], langs: list[str]) -> dict[str, dict[str, Any]]:
    """Scores per language."""
    return {lg: scores([g for g, la in zip(gold, langs, strict=True) if la == lg],
                       [p for p, la in zip(pred, langs, strict=True) if la == lg]) for lg in sorted(set(langs))}


def _service(label: str) -> str:
    return label.split("/")[0]


def predict(model: TextModel, notices: list[Notice]) -> list[str]:
    """Service predicted from text alone."""
    return [v.service for v in model.classify_texts([notice_text(n) for n in notices])]


def shared_set(quick: bool) -> tuple[list[Notice], list[str], list[tuple[str, str, Notice]]]:
    """Shared notices with at least one code the table understands, and their code-derived services."""
    notices: list[Notice] = []
    for folder in sorted((SHARED / "ocds").iterdir()):
        if folder.is_dir():
            notices += load_ocds(folder)
    ted, ml = load_ted(SHARED / "ted" / "ted-xml")
    notices += ted
    table = code_table()
    labelled: list[tuple[Notice, str]] = []
    for n in notices:
        c = classify_codes(n.items, table)
        if c is not None and notice_text(n).strip():
            labelled.append((n, c.service))
    if quick:
        labelled = labelled[::3]
        ml = ml[::6]
    return [n for n, _ in labelled], [g for _, g in labelled], ml


def handset() -> tuple[list[Notice], list[str], list[str], list[str]]:
    """The hand-labelled notices, their service labels, full labels and languages."""
    rows = yaml.safe_load(HANDSET.read_text(encoding="utf-8"))
    notices = [Notice(r["id"], SourceRef("handset", r["id"]), r["title"], r.get("description", ""), r["lang"])
               for r in rows]
    return notices, [_service(r["label"]) for r in rows], [r["label"] for r in rows], [r["lang"] for r in rows]


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Evaluate the three methods on the three sets; rows {figure, value, unit, baseline, ratio, target, ok}."""
    if not SHARED.is_dir():
        raise SystemExit(f"shared data not found at {SHARED} (set KSCITY_SHARED_DATA)")
    models = {m: text_model(m) for m in ("lexicon", "embedding", "hybrid")}  # type: ignore[arg-type]
    sh_notices, sh_gold, ml = shared_set(quick)
    hs_notices, hs_gold, _labels, hs_lang = handset()
    rows: list[dict[str, Any]] = []
    report: dict[str, Any] = {"shared_support": Counter(sh_gold), "by_source": Counter(
        (n.source.source, g) for n, g in zip(sh_notices, sh_gold, strict=True))}
    for name, model in models.items():
        for set_name, notices, gold in (("shared", sh_notices, sh_gold), ("handset", hs_notices, hs_gold),
                                        ("ted-titles", [n for _, _, n in ml], [
                                            classify_codes(n.items, code_table()).service  # type: ignore[union-attr]
                                            for _, _, n in ml])):
            pred = predict(model, notices)
            s = scores(gold, pred)
            base = scores(gold, [NOT_SMART_CITY] * len(gold))
            report[(name, set_name)] = s
            if set_name == "handset":
                report[(name, "handset-lang")] = _by_language(gold, pred, hs_lang)
                report[(name, "handset-errors")] = [(n.ocid, g, p) for n, g, p in zip(notices, gold, pred, strict=True)
                                                    if g != p]
            if set_name == "ted-titles":
                report[(name, "ted-lang")] = _by_language(gold, pred, [lg for _, lg, _ in ml])
            for figure, value, target in (("macro_f1", s["macro_f1"], TARGET_MACRO_F1),
                                          ("smart_recall", s["smart_recall"], TARGET_SMART_RECALL)):
                b = base["macro_f1"] if figure == "macro_f1" else base["smart_recall"]
                rows.append({"figure": f"classify {set_name} {name} {figure} (n={s['n']}, smart={s['n_smart']})",
                             "value": round(value, 3), "unit": "ratio", "baseline": round(b, 3),
                             "ratio": round(value / b, 2) if b else None, "target": target,
                             "ok": bool(value >= target)})
    _print(rows, report, models)
    return rows


def _print(rows: list[dict[str, Any]], report: dict[str, Any], models: dict[str, TextModel]) -> None:
    out = sys.stdout
    out.write("Classifier evaluation (text only, codes ignored; labels from the code table)\n")
    out.write(f"shared-data label support: {dict(report['shared_support'])}\n")
    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    for (src, g), k in report["by_source"].items():
        by_source[src][g] += k
    for src, c in sorted(by_source.items()):
        out.write(f"  {src:34} {dict(c)}\n")
    out.write(f"\n{'figure':70} {'value':>7} {'base':>7} {'target':>7} ok\n")
    for r in rows:
        ok = "yes" if r["ok"] else "NO"
        out.write(f"{r['figure']:70} {r['value']:>7} {r['baseline']:>7} {r['target']:>7} {ok}\n")
    for name in models:
        for set_name in ("shared", "handset", "ted-titles"):
            s = report[(name, set_name)]
            out.write(f"\n{name} / {set_name}: accuracy {s['accuracy']:.3f}\n")
            for c, v in s["per_class"].items():
                out.write(f"  {c:16} P {v['precision']:.2f} R {v['recall']:.2f} F1 {v['f1']:.2f} "
                          f"support {v['support']}\n")
        langs = report[(name, "handset-lang")]
        out.write("  handset by language: " + ", ".join(
            f"{lg} acc {v['accuracy']:.2f}" for lg, v in langs.items()) + "\n")
        ted = report[(name, "ted-lang")]
        out.write("  ted titles by language: " + ", ".join(
            f"{lg} {v['accuracy']:.2f}/{v['smart_recall']:.2f}" for lg, v in ted.items()))
        out.write(" (accuracy/smart recall)\n")
    out.write("\nhybrid hand-set errors: " + "; ".join(
        f"{i}: {g}→{p}" for i, g, p in report[("hybrid", "handset-errors")]) + "\n")


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
