"""`kscity alerts add|list|remove|run|feed`: saved searches over opportunities, delivered by Atom and e-mail."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kscity.cli.context import OutputFormat, emit, fail, get_app, user_errors

sub = typer.Typer(help="Alert profiles: saved searches with Atom feed and e-mail digest (알림).", no_args_is_help=True)
FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="Output: text or json.")]


@sub.command("add")
def add_cmd(
    name: Annotated[str, typer.Option("--name", help="A name for the profile.")],
    firm: Annotated[int | None, typer.Option("--firm", help="The catalogue firm it belongs to.")] = None,
    language: Annotated[str, typer.Option("--language", help="ko or en (feed and e-mail language).")] = "en",
    service: Annotated[list[str] | None, typer.Option("--service", help="Service id, repeatable.")] = None,
    country: Annotated[list[str] | None, typer.Option("--country", help="ISO3 country, repeatable.")] = None,
    keyword: Annotated[list[str] | None, typer.Option("--keyword", help="Word in the notice, repeatable.")] = None,
    code: Annotated[list[str] | None, typer.Option("--code", help="CPV:45233000 or UNSPSC:46171610, repeatable.")]
    = None,
    min_value: Annotated[float | None, typer.Option("--min-value", help="Minimum value in USD.")] = None,
    email: Annotated[str, typer.Option("--email", help="Where digests go (needs KSCITY_SMTP_HOST).")] = "",
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Save an alert profile (an empty one is refused)."""
    from kscity.services.alerts import add_profile

    kapp = get_app()
    with user_errors():
        kapp.check_database()
        with kapp.transaction() as session:
            p = add_profile(session=session, name=name, language=language, firm_id=firm, services=service,
                            countries=country, keywords=keyword, codes=code, min_value_usd=min_value, email=email)
    emit(p, fmt, f"saved alert profile {p['id']}")


@sub.command("list")
def list_cmd(firm: Annotated[int | None, typer.Option("--firm", help="Only this firm's profiles.")] = None,
             fmt: FormatOpt = OutputFormat.text) -> None:
    """List alert profiles."""
    from kscity.services.alerts import list_profiles

    kapp = get_app()
    with user_errors():
        kapp.check_database()
        with kapp.read() as session:
            items = list_profiles(session=session, firm_id=firm)
    emit(items, fmt, lambda: "\n".join(f"{p['id']:>4} {p['name'][:30]:<30} {p['language']} {p['last_run_at'] or '-'}"
                                       for p in items) or "(no alert profiles)")


@sub.command("remove")
def remove_cmd(profile_id: Annotated[int, typer.Argument(help="Profile id.")], fmt: FormatOpt = OutputFormat.text
               ) -> None:
    """Delete an alert profile."""
    from kscity.services.alerts import delete_profile

    kapp = get_app()
    with user_errors():
        kapp.check_database()
        with kapp.transaction() as session:
            delete_profile(session=session, profile_id=profile_id)
    emit({"removed": profile_id}, fmt, f"removed alert profile {profile_id}")


@sub.command("run")
def run_cmd(fmt: FormatOpt = OutputFormat.text) -> None:
    """Run every profile: what is new since its last run; e-mail digests when KSCITY_SMTP_HOST is set."""
    from kscity.services.alerts import run_alerts, smtp_config_from

    kapp = get_app()
    with user_errors():
        smtp = smtp_config_from(kapp.settings)
        kapp.check_database()
        try:
            with kapp.transaction() as session:
                rep = run_alerts(session=session, smtp=smtp)
        except OSError as exc:  # the mail server refused or is down: nothing is recorded as delivered
            assert smtp is not None
            fail(f"error: cannot send e-mail through {smtp.host}:{smtp.port}: {exc}")
    head = f"{rep['profiles']} profiles, {rep['new_items']} new items, {rep['delivered']['emails']} e-mails"
    emit(rep, fmt, lambda: "\n".join([head] + [f"  {r['id']:>4} {r['name'][:30]:<30} {r['new_items']} new"
                                                for r in rep["runs"]]))


@sub.command("feed")
def feed_cmd(profile_id: Annotated[int, typer.Argument(help="Profile id.")],
             base_url: Annotated[str, typer.Option("--base-url", help="Site address for links.")] = "") -> None:
    """Print a profile's Atom feed."""
    from kscity.services.alerts import profile_feed

    kapp = get_app()
    with user_errors():
        kapp.check_database()
        with kapp.read() as session:
            xml = profile_feed(session=session, profile_id=profile_id, base_url=base_url)
    sys.stdout.write(xml + "\n")


def register(app: typer.Typer) -> None:
    """Add `kscity alerts`."""
    app.add_typer(sub, name="alerts")
