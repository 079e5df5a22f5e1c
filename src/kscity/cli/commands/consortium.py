"""`kscity consortium OCID | save OCID | export DRAFT_ID | drafts`: teams of a lead, SMEs and startups.

One command rather than a group so that `kscity consortium OCID` (the stable interface) and the
`save`/`export`/`drafts` actions can share the same options: the first word picks the action.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kscity.cli.context import EXIT_REFUSED, EXIT_USAGE, OutputFormat, cli_locale, emit, fail, get_app, user_errors

ACTIONS = ("save", "export", "drafts")


def _text(res: dict[str, Any]) -> str:
    ko = cli_locale() == "ko"
    out = []
    for n, c in enumerate(res["consortia"], 1):
        out.append(f"#{n}  score {c['score']:.3f}  {c['status']}" + (f" (gap {c['gap']:.2%})" if c["gap"] else ""))
        out += [f"    {m['role']:<6} {m['firm_id']:>5} {m['firm'][:40]:<40} {m['size']:<8} {', '.join(m['covers'])}"
                for m in c["members"]]
    return "\n".join(out) or "\n".join(r["ko" if ko else "en"] for r in res["reasons"])


def consortium(
    first: Annotated[str, typer.Argument(metavar="OCID|save|export|drafts",
                                         help="An opportunity's ocid; or save OCID, export DRAFT_ID, drafts [OCID].")],
    rest: Annotated[list[str] | None, typer.Argument(metavar="[ARG]", help="The ocid or draft id of an action.")]
    = None,
    need: Annotated[list[str] | None, typer.Option("--need", help="SERVICE[:SUB][@TRL], repeatable; default: "
                                                                   "the opportunity's classification.")] = None,
    k: Annotated[int, typer.Option("--k", help="How many distinct teams.")] = 5,
    max_members: Annotated[int, typer.Option("--max-members", help="At most this many members.")] = 6,
    min_sme: Annotated[int, typer.Option("--min-sme", help="At least this many SMEs or startups.")] = 1,
    must: Annotated[list[str] | None, typer.Option("--must", help="Firm id that must be in, repeatable.")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Firm id to leave out, repeatable.")] = None,
    in_country: Annotated[bool, typer.Option("--in-country", help="A member must have in-country experience.")]
    = False,
    max_large: Annotated[int, typer.Option("--max-large", help="At most this many large/public firms (0: any).")]
    = 1,
    rank: Annotated[int, typer.Option("--rank", help="save: which team (1 = best).")] = 1,
    name: Annotated[str, typer.Option("--name", help="save: a name for the draft.")] = "",
    notes: Annotated[str, typer.Option("--notes", help="save: notes for the bid meeting.")] = "",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="export: file (.xlsx or .pdf).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="export: ko or en.")] = "ko",
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output: text or json.")] = OutputFormat.text,
) -> None:
    """Propose the k best consortia for an opportunity (or save / export a draft)."""
    from kscity.services import consortium as svc

    args = list(rest or [])
    action = first if first in ACTIONS else "propose"
    if action == "propose" and args:
        fail(f"error: unexpected argument {args[0]!r}", EXIT_USAGE)
    if action in ("save", "export") and len(args) != 1:
        fail(f"error: `kscity consortium {action}` takes one {'OCID' if action == 'save' else 'DRAFT_ID'}", EXIT_USAGE)
    kapp = get_app()
    rules = svc.TeamRules(k=k, max_members=max_members, min_sme=min_sme, must=tuple(must or ()),
                          exclude=tuple(exclude or ()), in_country=in_country,
                          max_large=max_large or None, needs=tuple(need or ()))
    with user_errors():
        kapp.check_database()
        if action == "drafts":
            with kapp.read() as session:
                drafts = svc.list_drafts(session=session, ocid=args[0] if args else None)
            emit(drafts, fmt, lambda: "\n".join(f"{d['id']:>4} {d['ocid'][:40]:<40} {d['score']:.3f} {d['name']}"
                                                for d in drafts))
            return
        if action == "export":
            if not args[0].isdigit():
                fail(f"error: draft id must be a number (got {args[0]!r})", EXIT_USAGE)
            target = output or Path(f"consortium-{args[0]}-{lang}.xlsx")
            kind = target.suffix.lower().lstrip(".")
            with kapp.read() as session:
                data = svc.export_draft(session=session, draft_id=int(args[0]), fmt=kind, lang=lang)
            target.write_bytes(data)
            emit({"draft": int(args[0]), "file": str(target), "bytes": len(data)}, fmt, f"wrote {target}")
            return
        ocid = args[0] if action == "save" else first
        with kapp.transaction() as session:
            res = svc.propose_consortia(session=session, ocid=ocid, rules=rules)
            if action == "save" and not res["infeasible"]:
                draft_id = svc.save_draft(session=session, proposal=res, rank=rank, name=name, notes=notes)
    if res["infeasible"]:
        emit({"infeasible": True, "reasons": res["reasons"], "needs": res["needs"]}, fmt, lambda: _text(res))
        raise SystemExit(EXIT_REFUSED)
    if action == "save":
        emit({"draft": draft_id, "ocid": res["ocid"]}, fmt, f"saved draft {draft_id}")
        return
    emit(res["consortia"], fmt, lambda: _text(res))


def register(app: typer.Typer) -> None:
    """Add `kscity consortium`."""
    app.command("consortium")(consortium)
