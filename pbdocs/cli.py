"""Command-line shell: parses options, calls the library, prints data to stdout, messages to stderr.

Library errors (``pbdocs.errors``) become one ``Error: ...`` line on stderr and an exit code:
0 ok, 1 findings (a charter not compliant), 2 usage, 3 a file could not be read.
"""
from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from . import __version__, shell
from .domain import registry
from .errors import OcrDisabled, PbdocsError, ReadError
from .messages import catalogue

if TYPE_CHECKING:
    from .rules.structure import Evidence

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3


def _error(message: str) -> None:
    click.echo(f"Error: {message}", err=True)


def _json_line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


class _Group(click.Group):
    """Maps typed library errors to one ``Error:`` line and their exit code, in every command."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PbdocsError as exc:
            _error(str(exc))
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pbdocs")
def cli():
    """pbdocs: extract, check and search party-building (党建) documents of social organizations."""


# --- options shared by several commands --------------------------------------------------------

_ocr_option = click.option(
    "--ocr", type=click.Choice(["auto", "never", "always"]), default="auto", show_default=True,
    help="OCR scanned or broken PDF pages (auto), refuse them (never), or OCR every page.")
_pack_option = click.option(
    "--pack", type=click.Choice(registry().pack_names), default=registry().default_pack, show_default=True,
    help="Rule pack: the party clause and core values, the statutory charter contents, or both.")
_fail_on_option = click.option(
    "--fail-on", type=click.Choice(["partial", "missing", "none"]), default="partial", show_default=True,
    help="Exit 1 for any charter short of compliant (partial), only for missing and contradicted "
         "clauses (missing), or never (none: report only).")

def _timeout_option(default: float, help_text: str):
    return click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=default,
                        show_default=True, help=help_text)


def _extract_options(ocr: str, timeout: float):
    """What every command reads a document with: the OCR mode and the default budget, but for the
    seconds the user allows."""
    from .extract import Budget, ExtractOptions

    return ExtractOptions(ocr=ocr, budget=Budget(seconds=timeout))


_kind_option = click.option(
    "--kind", type=click.Choice(registry().kind_codes()), default=None,
    help="What the documents are (default: told from each text). Only social_organization charters get "
         "the party-clause verdicts; other kinds are not_applicable, companies checked against 公司法 第十八条.")
# Verdicts that fail a run, by --fail-on; unreadable files exit 3 whatever it says. A document
# that is not a social-organization charter (not_applicable) fails nothing: it is no fault of it.
_FAILING = {
    "partial": frozenset({"partial", "missing", "contradicted"}),
    "missing": frozenset({"missing", "contradicted"}),
    "none": frozenset(),
}


# --- extract -------------------------------------------------------------------------------------

@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the extracted text; json: one JSON object per file (JSON Lines).")
@_ocr_option
@_timeout_option(600, "Seconds one file may take (OCR included) before it is given up as unreadable.")
def extract(paths, fmt, ocr, timeout):
    """Extract clean text (with pages and metadata) from documents."""
    from functools import partial

    from .executor import call_within
    from .extract import extract as extract_document
    from .screen.task import timeout_reason

    options = _extract_options(ocr, timeout)
    failed = False
    for path in paths:
        try:
            doc = call_within(partial(extract_document, options=options), path, timeout)
        except ReadError as exc:
            _error(f"{exc} (--ocr never)" if isinstance(exc, OcrDisabled) else str(exc))
            failed = True
            continue
        except TimeoutError:
            _error(f"{path}: {timeout_reason(timeout)}")
            failed = True
            continue
        for warning in doc.warnings:
            click.echo(f"{path}: {warning}", err=True)
        if fmt == "json":
            click.echo(_json_line(doc.as_dict()))
        else:
            if len(paths) > 1:
                click.echo(f"==> {path} <==")
            click.echo(doc.text)
    sys.exit(EXIT_UNREADABLE if failed else EXIT_OK)


# --- screen --------------------------------------------------------------------------------------

class _ProgressBar:
    """Files done, rate and time left on one rewritten stderr line; only drawn on a terminal."""

    def __init__(self):
        import time

        self._clock = time.monotonic
        self._started = self._clock()
        self._first_done: int | None = None
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if self._first_done is None:
            # Documents reused from a journal finish instantly and must not inflate the rate.
            self._first_done = done
            self._started = self._clock()
        elapsed = max(self._clock() - self._started, 1e-6)
        rate = (done - self._first_done) / elapsed
        left = f"{(total - done) / rate:.0f}s left" if rate > 0 and done < total else ""
        width = 30
        filled = int(width * done / total) if total else width
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {rate:.1f} docs/s  {left}"
        click.echo(line.ljust(80), err=True, nl=False)
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            click.echo("", err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--out", "-o", "out", required=True, type=click.Path(dir_okay=False, path_type=str),
              help="Report file; its extension picks the format: .csv, .xlsx, .json or .html.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes for the local executor [default: all cores].")
@_pack_option
@click.option("--org-type", default=None,
              help=f"Organization type of every charter, e.g. {', '.join(registry().org_type_names())} "
                   "[default: detected from each text].")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="An extra rule pack file of your own.")
@_kind_option
@_fail_on_option
@_ocr_option
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool on this machine; dask: a Dask distributed cluster.")
@click.option("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=600, show_default=True,
              help="Seconds a local worker may spend on one document before it is an error row.")
@click.option("--restart", is_flag=True, help="Ignore the journal of an interrupted run and start over.")
@click.option("--opinions", "opinions_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Also write a review opinion (.docx) into this folder for every charter short of compliant.")
def screen(paths, out, workers, pack, org_type, rules_file, kind, fail_on, ocr, executor, scheduler, timeout,
           restart, opinions_dir):
    """Screen folders, zip archives and files of charters into one report.

    Exit codes as `pbdocs check`: 0 every document compliant, 1 any not compliant, 2 usage,
    3 any document unreadable. An interrupted run resumes when the same command is run again.
    """
    from .rules import CheckOptions
    from .screen import screen as screen_batch

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    if executor == "dask" and not scheduler:
        _error("--executor dask needs --scheduler ADDRESS")
        sys.exit(EXIT_USAGE)
    options = CheckOptions.build(pack=pack, org_type=org_type, rules_file=rules_file,
                                 extract=_extract_options(ocr, timeout), kind=kind)
    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        result = screen_batch(list(paths), out, options=options, workers=workers, executor=executor,
                              scheduler=scheduler, resume=not restart, timeout=timeout, on_progress=bar)
    except KeyboardInterrupt:
        if bar:
            bar.finish()
        _error("interrupted; run the same command again to resume where it stopped")
        sys.exit(130)
    if bar:
        bar.finish()
    for note in result.notes:
        click.echo(note, err=True)
    click.echo(result.summary_line(), err=True)
    click.echo(f"Report: {result.report}", err=True)
    if opinions_dir:
        _write_opinions(result.records, opinions_dir)
    counts = result.counts
    if counts["error"]:
        sys.exit(EXIT_UNREADABLE)
    sys.exit(EXIT_FINDINGS if any(counts[v] for v in _FAILING[fail_on]) else EXIT_OK)


def _write_opinions(records, out_dir: str, settings=None) -> None:
    from .deliver import write_opinions
    from .rules import CheckResult

    written = write_opinions((CheckResult.from_dict(r.check) for r in records), out_dir, settings)
    click.echo(catalogue().text("opinion.written", count=len(written), out=out_dir), err=True)


# --- serve, users, audit: the office workspace ------------------------------------------------------

_data_option = click.option(
    "--data", "data_dir", type=click.Path(file_okay=False, path_type=str), default=None,
    help="The workspace's data folder: database, uploaded originals [default: the user data folder, "
         "e.g. ~/.local/share/pbdocs].")
_database_option = click.option(
    "--database", default=None, metavar="URL",
    help="A PostgreSQL address (postgresql://user:password@host/db) instead of SQLite in the data folder.")


def _office(data_dir, database):
    from .office import Office

    return Office(shell.data_dir(data_dir), database)


def _read_password() -> str:
    """From a prompt on a terminal (typed twice), else the first line of stdin (scripts)."""
    if sys.stdin.isatty():
        return click.prompt(catalogue().text("office.password"), hide_input=True,
                            confirmation_prompt=catalogue().text("office.password_again"))
    return sys.stdin.readline().rstrip("\r\n")


@cli.group("users")
def users_group():
    """Accounts of the office workspace that pbdocs serve runs."""


@users_group.command("add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="An administrator: sees every batch and the audit trail.")
@_data_option
@_database_option
def users_add(name, admin, data_dir, database):
    """Add an account; the password is prompted for, or read from stdin's first line."""
    office = _office(data_dir, database)
    office.add_user(name, _read_password(), admin=admin)
    click.echo(catalogue().text("office.admin_added" if admin else "office.user_added", name=name), err=True)


@users_group.command("list")
@_data_option
@_database_option
def users_list(data_dir, database):
    """List the accounts: name, role, state, created."""
    zh = catalogue()
    for user in _office(data_dir, database).users():
        click.echo("\t".join([user.name, zh.text("office.role_admin" if user.admin else "office.role_officer"),
                              zh.text("office.state_disabled" if user.disabled else "office.state_enabled"),
                              user.created]))


@users_group.command("disable")
@click.argument("name")
@_data_option
@_database_option
def users_disable(name, data_dir, database):
    """Disable an account: its sessions and tokens stop working at once."""
    _office(data_dir, database).disable_user(name)
    click.echo(catalogue().text("office.user_disabled", name=name), err=True)


@users_group.command("token")
@click.argument("name")
@_data_option
@_database_option
def users_token(name, data_dir, database):
    """Issue an API token (Authorization: Bearer ...) for an account; shown this once only."""
    click.echo(_office(data_dir, database).issue_token(name))
    click.echo(catalogue().text("office.token_once"), err=True)


@cli.command()
@click.option("--since", default=None, help="Only from this date on (YYYY-MM-DD).",
              # _iso_date is defined with the ingest command below; looked up when the option is parsed.
              callback=lambda ctx, param, value: _iso_date(ctx, param, value))
@click.option("--user", "user_name", default=None, help="Only this user's actions.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per action; json: one JSON object per action (JSON Lines).")
@_data_option
@_database_option
def audit(since, user_name, fmt, data_dir, database):
    """Print the workspace's audit trail: logins, uploads, reviews, downloads, deletions."""
    zh = catalogue()
    for entry in _office(data_dir, database).audit(since, user_name):
        if fmt == "json":
            click.echo(_json_line(entry.as_dict()))
        else:
            click.echo("\t".join([entry.at, entry.user or zh.text("office.system"),
                                  zh.label("audit_actions", entry.action), entry.object, entry.detail]))


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _served_names(host: str, extra: tuple[str, ...]) -> list[str]:
    """The names browsers may use for this server: localhost, the bound address, and for a wildcard
    address this machine's own names and addresses, plus the ones the user lists."""
    import contextlib
    import socket

    names = ["localhost", "127.0.0.1", "::1", *extra]
    if host not in ("0.0.0.0", "::", ""):
        return [*names, host]
    machine = socket.gethostname()
    names += [machine, socket.getfqdn()]
    # When the machine's name does not resolve, the user lists what browsers use.
    with contextlib.suppress(OSError):
        names += [str(info[4][0]) for info in socket.getaddrinfo(machine, None)]
    return names


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens the page to the whole office network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Search index directory (default: the bundled corpus's index, built when missing).")
@click.option("--max-upload-mb", type=click.IntRange(min=1), default=20, show_default=True,
              help="Largest request body accepted; bigger uploads are refused with 413.")
@click.option("--max-files", type=click.IntRange(min=1), default=200, show_default=True,
              help="Most documents per upload, archive members included.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes checking documents, shared by all requests [default: CPU count].")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300, show_default=True,
              help="Seconds one document may take (OCR included) before it is reported unreadable.")
@_data_option
@_database_option
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="A host name or address browsers use to reach the server, besides the bound address "
                   "and localhost (repeatable).")
@click.option("--max-uploads", type=click.IntRange(min=1), default=64, show_default=True,
              help="Uploads received at once; more get HTTP 429.")
@click.option("--upload-timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help="Seconds an upload's body may take to arrive; slower ones get HTTP 408.")
def serve(host, port, index_dir, max_upload_mb, max_files, workers, timeout, data_dir, database, allowed_hosts,
          max_uploads, upload_timeout):
    """Serve the office workspace: login, batches, review, audit, search (API docs at /docs)."""
    try:
        import uvicorn

        from .web import create_app
        from .web.guard import GuardSettings
    except ImportError as exc:
        _error(f"pbdocs serve needs the web extra ({exc.name} is missing): pip install 'pbdocs[web]'")
        sys.exit(EXIT_USAGE)
    if not _is_loopback(host):
        click.echo(f"Warning: listening on {host} over plain HTTP: passwords and documents cross the network "
                   f"unencrypted; put an HTTPS reverse proxy in front of it.", err=True)
    data = shell.data_dir(data_dir)
    guard = GuardSettings.build(_served_names(host, allowed_hosts), max_uploads, upload_timeout)
    app = create_app(index_dir=index_dir, max_upload_mb=max_upload_mb, max_files=max_files, workers=workers,
                     document_timeout=timeout, data_dir=data, database=database, guard=guard)
    if not app.state.workspace.office.users():
        click.echo(catalogue().text("office.no_users", data=data), err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


# --- search --------------------------------------------------------------------------------------

def _hit_lines(hit, color: bool) -> list[str]:
    place = " · ".join(x for x in (hit["citation"], hit.get("chapter")) if x)
    answer = hit["answer"].replace("\n", " ").strip()
    answer = click.style(answer, bold=True, fg="yellow") if color else f"【{answer}】"
    lines = [f"[{hit['rank']}] {place}  (score {hit['score']:.2f})", f"    {answer}"]
    if hit.get("superseded_by"):
        # Chinese for people; moves to the message catalogue (pbdocs/data/messages.toml) when it lands.
        lines.append(f"    已被{hit['superseded_by']['citation']}取代")
    origin = " · ".join(x for x in (hit.get("issuer"), hit.get("doc_number"), hit.get("date")) if x)
    if hit.get("effective"):
        origin += f"{' · ' if origin else ''}{hit['effective']}施行"
    lines.append(f"    来源: {origin or hit['title']}" + (f" | {hit['source']}" if hit.get("source") else ""))
    return lines


# Where the default corpus and index are: the shell's choice, read through these options.
_corpus_option = click.option(
    "--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=str), envvar=shell.CORPUS_ENV,
    show_envvar=True, default=None, help="Corpus folder [default: the bundled corpus/].")


def _index_option(help_text: str):
    return click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=str),
                        envvar=shell.INDEX_ENV, show_envvar=True, default=None, help=help_text)


def _on_command_line(ctx: click.Context, name: str) -> bool:
    from click.core import ParameterSource

    return ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE


@cli.command()
@click.argument("query", required=False)
@click.option("-k", "k", type=click.IntRange(min=1, max=100), default=5, show_default=True,
              help="Number of passages to return.")
@_index_option("Index directory [default: the bundled corpus's index, built when missing or stale; "
               "an index given with --index alone is searched as it is].")
@_corpus_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: answers with their sources; json: the SearchResult object.")
@click.option("--batch", type=click.Path(dir_okay=False, path_type=str), default=None,
              help='JSON Lines of {"id", "q"}; writes one {"id", "query", "hits"} line per question.')
@click.option("--rerank/--no-rerank", default=None,
              help="Re-rank the best passages by meaning (the rerank extra) [default: when the extra is installed "
                   "and the index has passage vectors; --rerank computes them when it has none].")
@click.pass_context
def search(ctx, query, k, index_dir, corpus_dir, fmt, batch, rerank):
    """Answer a question about party-building and social-organization rules from the policy corpus."""
    from . import open_searcher
    from .search.searcher import read_batch

    if (query is None) == (batch is None):
        raise click.UsageError("give either a QUERY or --batch FILE")
    questions = read_batch(batch) if batch else None
    if _on_command_line(ctx, "index_dir") and not _on_command_line(ctx, "corpus_dir"):
        searcher = open_searcher(index_dir)
    else:
        searcher = open_searcher(
            shell.index_dir(index_dir), shell.corpus_dir(corpus_dir),
            on_build=lambda path: click.echo(f"Building the search index in {path} ...", err=True))
    if rerank is not False:
        _attach_reranker(searcher, required=rerank is True)
    if questions is not None:
        for qid, question in questions:
            result = searcher.search(question, k=k).as_dict()
            click.echo(_json_line({"id": qid, **result}))
        return
    result = searcher.search(query, k=k).as_dict()
    if fmt == "json":
        click.echo(_json_line(result))
        return
    if not result["confident"]:
        click.echo(result["message"])
        return
    color = sys.stdout.isatty()
    for hit in result["hits"]:
        click.echo("\n".join(_hit_lines(hit, color)))


def _attach_reranker(searcher, *, required: bool) -> None:
    from .search import rerank

    if not rerank.available() and not required:
        return
    if required and rerank.PassageVectors.load(searcher.reader.folder, searcher.reader.meta) is None:
        click.echo(catalogue().text("cli.encoding_passages", count=searcher.reader.n_passages), err=True)
        rerank.encode_index(searcher.reader.folder, rerank.default_encoder())
    rerank.attach(searcher, required=required)


@cli.group("index")
def index_group():
    """Build search indexes."""


@index_group.command("build")
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=str))
@_index_option("Where to write the index [default: index/bundled].")
@_corpus_option
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes tokenizing a large corpus [default: CPU count].")
@click.option("--rerank", is_flag=True, default=False,
              help="Also compute the passage vectors the re-ranker reads (the rerank extra; minutes per thousand "
                   "passages).")
def index_build(sources, index_dir, corpus_dir, workers, rerank):
    """Index SOURCES (corpus folders with a manifest.json, document files or folders) [default: the
    corpus]."""
    from .search import build

    encoder = None
    if rerank:
        from .search.rerank import default_encoder

        encoder = default_encoder(threads=workers or 1)
    meta = build(sources or [shell.corpus_dir(corpus_dir)], shell.index_dir(index_dir), processes=workers,
                 encoder=encoder)
    click.echo(f"Indexed {meta['n_documents']} documents, {meta['n_passages']} passages, {meta['n_terms']} "
               f"terms in {meta['build_seconds']:.1f} s", err=True)


def _iso_date(ctx, param, value):
    import re

    if value is not None and not re.fullmatch(r"(?:19|20)\d{2}-\d{2}-\d{2}", value):
        raise click.BadParameter("expected YYYY-MM-DD")
    return value


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@_corpus_option
@click.option("--title", default=None, help="Title, instead of the one read from the text.")
@click.option("--issuer", default=None, help="发文机关, instead of the one read from the text.")
@click.option("--doc-number", default=None, help="文号, instead of the one read from the text.")
@click.option("--date", default=None, callback=_iso_date, help="Date as YYYY-MM-DD.")
@click.option("--source", default=None, help="Where the document comes from (URL or citation).")
@click.option("--version-label", "version_label", default=None,
              help="Version label (2023修正), instead of the one read from the promulgation lines.")
@click.option("--effective", default=None, callback=_iso_date, help="Date it took effect (施行), as YYYY-MM-DD.")
@click.option("--superseded-by", default=None, metavar="ID",
              help="Id of the corpus document that replaces it [default: the newer document of the same title].")
@click.option("--in-force", is_flag=True, default=False,
              help="In force even if a newer document of the same title exists.")
def ingest(paths, corpus_dir, title, issuer, doc_number, date, source, version_label, effective, superseded_by,
           in_force):
    """Add documents (any format pbdocs reads, or folders of them) to a search corpus; the versions of
    same-titled documents are linked (the newer supersedes the older) unless an option says otherwise."""
    from .search import ingest as ingest_documents

    overrides = {"title": title, "issuer": issuer, "doc_number": doc_number, "date": date, "source": source,
                 "version": version_label, "effective": effective, "superseded_by": superseded_by,
                 "in_force": in_force or None}
    entries = ingest_documents(paths, shell.corpus_dir(corpus_dir, for_writing=True), overrides=overrides)
    for entry in entries:
        click.echo(_json_line(entry.as_dict()))
    click.echo(f"Added {len(entries)} documents; the default index is rebuilt on the next search.", err=True)


# --- check ---------------------------------------------------------------------------------------

def _quote(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _where(evidence) -> str:
    place = "，".join(p for p in (evidence.chapter, evidence.article) if p)
    return f"{place + '，' if place else ''}第{evidence.page}页"


def _check_report(result) -> list[str]:
    """The human-readable report of one file: verdict, each rule's elements with evidence, fixes."""
    about = " · ".join(x for x in (result.org_type, result.name) if x)
    lines = [f"{result.path}: {result.verdict}" + (f"  ({about})" if about else "")]
    if result.error:
        lines.append(f"  error: {result.error}")
        return lines
    if result.verdict == "not_applicable" and result.reason:
        lines.append(f"  reason: {result.reason}")
    if result.ocr_pages:
        lines.append(f"  OCR pages: {', '.join(map(str, result.ocr_pages))}")
    for finding in result.findings:
        lines.append(f"  [{finding.severity}] {finding.rule} {finding.title}: {finding.status} — {finding.message}")
        sentences: dict[tuple[int, int], Evidence] = {}
        for element in finding.elements.values():
            mark = "✓" if element.found else ("·" if not element.required else "✗")
            line = f"    {mark} {element.title}"
            if element.evidence:
                evidence = element.evidence
                sentences.setdefault((evidence.start, evidence.end), evidence)
                line += f"  {_where(evidence)}「{_quote(evidence.match, 30)}」"
                if element.method != "exact":
                    line += f"  [{element.method} {element.confidence:.2f}]"
            lines.append(line)
            if element.note:
                lines.append(f"        {element.note}")
        for evidence in sentences.values():
            lines.append(f"    “{_quote(evidence.text)}”")
        if finding.fix:
            lines.append(f"    fix: {finding.fix.where}：“{finding.fix.text}”")
        lines.append(f"    basis: {finding.basis.cite()}")
    for warning in result.warnings:
        lines.append(f"  warning: {warning}")
    return lines


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a report for people; json: one JSON object per file (JSON Lines).")
@_pack_option
@click.option("--org-type", type=click.Choice(registry().org_type_choices()), default=None,
              help="Organization type for the statutory pack (default: detected from the text).")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="An extra rule pack file (TOML) checked with the chosen pack.")
@_kind_option
@click.option("--pages", is_flag=True,
              help="Read the files as the pages of ONE charter, in the order given (photos of its pages).")
@_fail_on_option
@_ocr_option
@_timeout_option(600, "Seconds one file may take (OCR included) before it is reported unreadable.")
def check(paths, fmt, pack, org_type, rules_file, kind, pages, fail_on, ocr, timeout):
    """Check charters for the party-building clause, element by element, with evidence and fix.

    Exit status: 0 every charter compliant (or not_applicable: not a social-organization charter),
    1 a charter not compliant (see --fail-on),
    2 usage error (bad option or rules file), 3 a file could not be read (wins over 1).
    """
    from functools import partial

    from .executor import call_within
    from .rules import CheckOptions, CheckResult, check_pages, check_path
    from .screen.task import timeout_reason

    # A bad rules file stops the run before any file is read.
    options = CheckOptions.build(pack=pack, org_type=org_type, rules_file=rules_file,
                                 extract=_extract_options(ocr, timeout), kind=kind)
    unreadable = failing = False
    # With --pages the files are the pages of one charter, checked once.
    items = [list(paths)] if pages else list(paths)
    for item in items:
        label = "+".join(item) if isinstance(item, list) else item
        try:
            reader = partial(check_pages if pages else check_path, options=options)
            result = call_within(reader, item, timeout)
        except TimeoutError:
            result = CheckResult(path=label, verdict="error", error=timeout_reason(timeout))
        if result.verdict == "error":
            unreadable = True
            _error(f"{result.path}: {result.error or 'cannot be read'}")
        elif result.verdict in _FAILING[fail_on]:
            failing = True
        if fmt == "json":
            click.echo(_json_line(result.as_dict()))
        else:
            click.echo("\n".join(_check_report(result)))
    sys.exit(EXIT_UNREADABLE if unreadable else EXIT_FINDINGS if failing else EXIT_OK)


@cli.command("rules")
@click.option("--pack", type=click.Choice(registry().pack_names), default=registry().every_pack, show_default=True)
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Also list the rules of this pack file (validating it).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(pack, rules_file, fmt):
    """List the rules of a pack with their legal basis."""
    from .rules import list_rules

    for rule in list_rules(pack, rules_file):
        if fmt == "json":
            click.echo(_json_line(rule.as_dict()))
            continue
        scope = f"  ({'、'.join(rule.org_types)})" if rule.org_types else ""
        click.echo(f"{rule.id}  [{rule.severity}]  {rule.title}{scope}")
        click.echo(f"    basis: {rule.basis.cite()}")
        for element in rule.elements:
            required = "" if element.required else "（可选）"
            source = f"  {element.article}" if element.article else ""
            click.echo(f"    - {element.id}: {element.canonical or element.title}{required}{source}")
        if rule.alternative:
            click.echo(f"    alternative: {rule.alternative.title}")


# --- opinion and amend ---------------------------------------------------------------------------

def _check_options(pack, org_type, rules_file, ocr):
    from .extract import ExtractOptions
    from .rules import CheckOptions

    return CheckOptions.build(pack=pack, org_type=org_type, rules_file=rules_file, extract=ExtractOptions(ocr=ocr))


_org_type_option = click.option(
    "--org-type", type=click.Choice(registry().org_type_choices()), default=None,
    help="Organization type (default: detected from the text).")
_rules_option = click.option(
    "--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=str), default=None,
    help="An extra rule pack file (TOML) checked with the chosen pack.")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder for the opinions, one <charter>-审查意见.docx each.")
@click.option("--office", default=None, help="The office sending the opinion, e.g. XX市民政局.")
@click.option("--signatory", default=None, help="The signatory line under the office's name.")
@click.option("--date", "day", default=None, callback=_iso_date,
              help="Date of the opinion as YYYY-MM-DD [default: today].")
@_pack_option
@_org_type_option
@_rules_option
@_ocr_option
def opinion(paths, out_dir, office, signatory, day, pack, org_type, rules_file, ocr):
    """Write a review opinion (审查意见, .docx) for each charter short of compliant.

    Exit status: 0 done (compliant charters get no opinion), 2 usage, 3 a file could not be read.
    """
    import datetime as dt

    from .deliver import OpinionSettings, write_opinions
    from .rules import check_path

    options = _check_options(pack, org_type, rules_file, ocr)
    settings = OpinionSettings(office=office, signatory=signatory,
                               date=dt.date.fromisoformat(day) if day else dt.date.today())
    results, unreadable = [], False
    for path in paths:
        result = check_path(path, options)
        if result.verdict == "error":
            unreadable = True
            _error(f"{path}: {result.error or 'cannot be read'}")
        results.append(result)
    written = write_opinions(results, out_dir, settings)
    for path in written:
        click.echo(str(path))
    click.echo(catalogue().text("opinion.written", count=len(written), out=out_dir), err=True)
    sys.exit(EXIT_UNREADABLE if unreadable else EXIT_OK)


@cli.command()
@click.argument("charter", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--out", "-o", "out", required=True, type=click.Path(dir_okay=False, path_type=str),
              help="The amended charter: .docx (tracked changes) for a .docx, .txt for a .txt.")
@click.option("--table", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Also write the 章程修改对照表 here (.docx or .txt).")
@_pack_option
@_org_type_option
@_rules_option
@_ocr_option
def amend(charter, out, table, pack, org_type, rules_file, ocr):
    """Add the party clause (and the core-values sentence) to a charter as tracked changes.

    A compliant charter is left untouched. Exit status: 0 done, 2 usage, 3 the charter could not be read.
    """
    from .deliver import amend_charter

    amendment = amend_charter(charter, out, table, _check_options(pack, org_type, rules_file, ocr))
    if not amendment.changed:
        click.echo(catalogue().text("amend.compliant", path=charter), err=True)
        return
    count = len(amendment.plan.edits) + len(amendment.plan.new) + len(amendment.plan.deleted)
    click.echo(catalogue().text("amend.written", path=charter, out=out, count=count), err=True)
    if amendment.table is not None:
        click.echo(catalogue().text("amend.table_written", out=amendment.table), err=True)


# --- entry point ---------------------------------------------------------------------------------

main = cli

if __name__ == "__main__":
    main()
