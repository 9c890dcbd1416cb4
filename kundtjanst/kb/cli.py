"""``flask kb import PATH`` and ``flask kb export PATH``: a municipality's existing
kunskapsdatabas in, and the knowledge base out, in one format (`transfer`,
`transfer_out`)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from ..extensions import db
from . import transfer, transfer_out

kb_cli = AppGroup("kb", help="Import and export knowledge base articles.")


@kb_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def import_command(path: Path) -> None:
    """Load articles from a JSON file (a list of objects) or a folder of Markdown
    files with YAML front matter. An article with the same title and subject area
    is updated. Each article is committed on its own; a refused one stores nothing.
    Exits with 1 when anything was refused."""

    def commit(outcome: transfer.Outcome) -> None:
        if outcome.action == "refused":
            db.session.rollback()
            click.echo(f"refused    {outcome.where}: {outcome.reason}", err=True)
        else:
            db.session.commit()
            click.echo(f"{outcome.action:<10} {outcome.where}: {outcome.title}")
            if outcome.warning:
                click.echo(
                    f"warning    {outcome.where}: looks like personal data: {outcome.warning}",
                    err=True,
                )

    with force_locale("en"):  # the services' reasons in the command line's language
        outcomes = transfer.import_items(transfer.read(path), after_each=commit)
    counts = {a: sum(o.action == a for o in outcomes) for a in transfer.ACTIONS}
    click.echo(
        "Created {created}, updated {updated}, unchanged {unchanged}, refused {refused}.".format(
            **counts
        )
    )
    if counts["refused"]:
        raise SystemExit(1)


@kb_cli.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write even if PATH exists and is not empty.")
def export_command(path: Path, force: bool) -> None:
    """Write every article (drafts and archived ones too): to PATH as a JSON list when
    PATH ends in .json, otherwise as one Markdown file per article in the folder PATH."""
    taken = path.exists() and (not path.is_dir() or any(path.iterdir()))
    if taken and not force:
        raise click.ClickException(f"{path} exists and is not empty; use --force to write anyway.")
    articles = transfer_out.all_articles()
    if path.suffix.lower() == ".json":
        if path.is_dir():
            raise click.ClickException(f"{path} is a folder.")
        count = transfer_out.write_json(path, articles)
    else:
        if path.exists() and not path.is_dir():
            raise click.ClickException(f"{path} is a file; give a folder or a .json path.")
        count = transfer_out.write_markdown(path, articles)
    click.echo(f"Exported {count} articles to {path}.")
