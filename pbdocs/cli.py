"""Command-line shell: parses options, calls the library, prints data to stdout, messages to stderr.

Library errors (``pbdocs.errors``) become one ``错误：<path>：<原因>`` line on stderr (the catalogue's
text of the error's code) and an exit code:
0 ok, 1 findings (a charter not compliant), 2 usage, 3 a file could not be read.
"""
from __future__ import annotations

import functools
import json
import re
import sys
import unicodedata
from pathlib import Path

import click

from . import __version__, shell
from .domain import registry
from .errors import OcrDisabled, PbdocsError, ReadError
from .messages import catalogue

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3


def _error(message: str, path: str = "") -> None:
    """One line on stderr: 错误：<path>：<what went wrong, in Chinese>."""
    click.echo(catalogue().text("cli.error_at" if path else "cli.error", path=path, message=message), err=True)


def _library_error(exc: PbdocsError) -> None:
    _error(catalogue().error_text(exc), exc.path)


def _result_error(result) -> None:
    """The error line of a file that could not be checked."""
    _error(result.error_text or catalogue().text("cli.cannot_be_read"), result.path)


def _help(key: str, **fields) -> str:
    """A command's or option's help text, from the catalogue's [help] section."""
    return catalogue().text(f"help.{key}", **fields)


def _json_line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


class _ChineseFormatter(click.HelpFormatter):
    """click's help words (Usage:, Options, [default: 600]...) through the catalogue's [click] section,
    as the help page is written: our commands' contexts format with it (_Context)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _click_word("Usage:") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        # click ends a heading with an ASCII colon; Chinese text takes the full-width one (用法：, 选项：).
        self.write(f"{'':>{self.current_indent}}{_click_word(heading)}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        # click lines the second column up by counting characters; a Chinese character takes two
        # columns on a terminal, so the terms are measured by their width on screen.
        rows = [(term, _click_words_in(text)) for term, text in rows]
        first_col = min(max((_screen_width(term) for term, _ in rows), default=0), col_max) + col_spacing
        indent, hanging = " " * self.current_indent, " " * (first_col + self.current_indent)
        for term, text in rows:
            self.write(indent + term)
            if not text:
                self.write("\n")
                continue
            width = _screen_width(term)
            self.write(" " * (first_col - width) if width <= first_col - col_spacing else "\n" + hanging)
            lines = _wrap(text, max(self.width - first_col - 2, 10))
            self.write("\n".join([lines[0], *(hanging + line if line else "" for line in lines[1:])]) + "\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write("\n".join(indent + line if line else "" for line in _wrap(text, self.width - len(indent))) + "\n")


def _screen_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# Chinese has no spaces to break at: a line may break after any Chinese character, but not before
# closing punctuation or after opening punctuation, and never inside a run of Latin letters or digits
# (an option name, a value).
_TOKENS = re.compile(r"[\x21-\x7e]+ *| +|.")
_NO_LINE_START = set("，。、；：！？）」』”’》】…")
_NO_LINE_END = set("（「『“‘《【")


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns, its own line breaks kept."""
    lines = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        for token in _TOKENS.findall(paragraph):
            if "".join(line).strip() and _screen_width("".join(line) + token.rstrip()) > width:
                carried: list[str] = []
                while len(line) > 1 and ((carried or [token])[0][0] in _NO_LINE_START or line[-1][-1] in _NO_LINE_END):
                    carried.insert(0, line.pop())
                lines.append("".join(line).rstrip())
                line, token = carried, token if carried else token.lstrip()
            line.append(token)
        lines.append("".join(line).rstrip())
    return lines


# click describes a number's range as "x>=1", "0<=x<=65535": each shape, read as the catalogue's words.
_RANGES = (("between", re.compile(r"(?P<low>[\d.]+)<=x<=(?P<high>[\d.]+)")),
           ("at_least", re.compile(r"x>=(?P<low>[\d.]+)")), ("above", re.compile(r"x>(?P<low>[\d.]+)")),
           ("at_most", re.compile(r"x<=(?P<high>[\d.]+)")), ("below", re.compile(r"x<(?P<high>[\d.]+)")))


def _click_word(english: str) -> str:
    return catalogue().labels("click").get(english, english)


def _click_words_in(text: str) -> str:
    """An option's help with click's own words in it (its help option's sentence, the bracketed
    default, environment variable and required marks) in Chinese."""
    for english, chinese in catalogue().labels("click").items():
        # "default: {default}" is the template of "default: 600": the words before the field.
        english, chinese = english.partition("{")[0], chinese.partition("{")[0]
        text = text.replace(english, chinese)
    for key, shape in _RANGES:
        text = shape.sub(functools.partial(_range_words, key), text)
    return text


def _range_words(key: str, match: re.Match[str]) -> str:
    return catalogue().text(f"ranges.{key}", **match.groupdict())


def _chinese_metavar(param: click.Parameter, ctx: click.Context, text: str) -> str:
    """``text`` (a usage piece, an option's term) with the parameter's metavar in Chinese: named for
    the parameter where the catalogue's [metavars] knows it (秒数), else for its type (文件). A choice's
    values stay: they are what one types."""
    metavar = param.make_metavar(ctx)
    if metavar.startswith("[") and "|" in metavar:
        return text
    names = catalogue().labels("metavars")
    chinese = names.get(param.name or "") or names.get(metavar.removesuffix("..."))
    return text.replace(metavar, chinese) if chinese else text


class _Context(click.Context):
    formatter_class = _ChineseFormatter


# --- usage errors in Chinese ---------------------------------------------------------------------
# click words its usage errors in English. Our commands parse through _ChineseParsing, which turns
# what click raises into errors already said in Chinese (_Said), and the root group prints them.


class _Said:
    """A usage error whose message is already the catalogue's Chinese."""


class _SaidUsage(_Said, click.UsageError):
    pass


class _SaidBadParameter(_Said, click.BadParameter):
    pass


class _ChineseParsing(click.Command):
    context_class = _Context

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [_click_word(self.options_metavar)] if self.options_metavar else []
        for param in self.get_params(ctx):
            pieces.extend(_chinese_metavar(param, ctx, piece) for piece in param.get_usage_pieces(ctx))
        if isinstance(self, click.Group):
            pieces.append(_click_word(self.subcommand_metavar or ""))
        return pieces

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                term, text = record
                rows.append((_chinese_metavar(param, ctx, term), text))
        if rows:
            with formatter.section("Options"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):  # what click.Group.format_options adds after the options
            self.format_commands(ctx, formatter)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)
        allowed = ctx.allow_extra_args
        ctx.allow_extra_args = True  # extra arguments are named below, in Chinese
        try:
            rest = super().parse_args(ctx, args)
        except click.BadParameter as exc:
            if isinstance(exc, (_Said, click.MissingParameter)) or exc.param is None:
                raise
            raise _SaidBadParameter(_bad_value(exc.param, ctx, self._given(ctx, given, exc.param)),
                                    ctx=ctx, param=exc.param) from None
        except click.UsageError as exc:
            exc.ctx = exc.ctx or ctx  # the parser raises some without one; the message needs the command
            raise
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            raise _SaidUsage(catalogue().text("usage.extra_arguments", args=" ".join(rest)), ctx)
        return rest

    def _given(self, ctx: click.Context, given: list[str], param: click.Parameter):
        """What the command line gave ``param`` (None when it came from elsewhere)."""
        try:
            opts, _, _ = self.make_parser(ctx).parse_args(args=given)
        except click.UsageError:
            return None
        return opts.get(param.name)


class _Command(_ChineseParsing, click.Command):
    pass


def _bad_value(param: click.Parameter, ctx: click.Context, value) -> str:
    """Why ``value`` does not suit ``param``, in Chinese (click's own reason is English)."""
    zh = catalogue()
    if isinstance(value, (list, tuple)):
        # Of several values (PATHS...), the first that fails is the one to name.
        for one in value:
            try:
                param.type.convert(one, param, ctx)
            except click.BadParameter:
                value = one
                break
    kind = param.type
    if isinstance(kind, click.Choice):
        # Where a choice has a Chinese name and an English code (社会团体, social-group), people
        # are shown the Chinese names.
        choices = [str(c) for c in kind.choices]
        chinese = [c for c in choices if not c.isascii()]
        return zh.text("usage.not_a_choice", value=value, choices="、".join(chinese or choices))
    if isinstance(kind, click.Path) and isinstance(value, str):
        import os

        if not os.path.exists(value):
            return zh.text("usage.path_missing", value=value)
        if os.path.isdir(value) and not kind.dir_okay:
            return zh.text("usage.path_is_folder", value=value)
        if not os.path.isdir(value) and not kind.file_okay:
            return zh.text("usage.path_is_file", value=value)
        return zh.text("usage.path_unusable", value=value)
    if isinstance(kind, (click.IntRange, click.FloatRange)):
        try:
            float(value)
        except (TypeError, ValueError):
            return zh.text("usage.not_a_number", value=value)
        low, high = kind.min, kind.max
        if low is not None and high is not None:
            return zh.text("usage.out_of_range", value=value, low=low, high=high)
        if low is not None:
            return zh.text("usage.too_small" if not kind.min_open else "usage.not_above", value=value, low=low)
        return zh.text("usage.too_large", value=value, high=high)
    if kind in (click.INT, click.FLOAT):
        return zh.text("usage.not_a_number", value=value)
    return zh.text("usage.bad_value", value=value)


def _usage_message(exc: click.UsageError) -> str:
    """The Chinese sentence of a usage error."""
    zh = catalogue()
    ctx = exc.ctx
    if isinstance(exc, _Said):
        if isinstance(exc, click.BadParameter) and isinstance(exc.param, click.Option):
            return zh.text("usage.bad_option", name=_option_names(exc.param), reason=exc.message)
        return exc.message
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        if isinstance(exc.param, click.Option):
            return zh.text("usage.missing_option", name=_option_names(exc.param))
        label = zh.labels("usage_arguments").get(exc.param.name or "", exc.param.get_error_hint(ctx))
        return zh.text("usage.missing_argument", name=label)
    if isinstance(exc, click.exceptions.NoSuchCommand):
        return zh.text("usage.no_such_command", name=exc.command_name) + _did_you_mean(exc.possibilities)
    if isinstance(exc, click.NoSuchOption):
        return zh.text("usage.no_such_option", name=exc.option_name) + _did_you_mean(exc.possibilities)
    if isinstance(exc, click.BadOptionUsage):
        flags = {o for p in (ctx.command.params if ctx else []) if isinstance(p, click.Option) and p.is_flag
                 for o in p.opts + p.secondary_opts}
        return zh.text("usage.flag_takes_no_value" if exc.option_name in flags else "usage.option_needs_value",
                       name=exc.option_name)
    if ctx is not None and isinstance(ctx.command, click.Group):
        return zh.text("usage.missing_command")
    return zh.text("usage.bad_usage")


def _option_names(option: click.Option) -> str:
    return " / ".join(option.opts)


def _did_you_mean(possibilities) -> str:
    return catalogue().text("usage.did_you_mean", names="、".join(possibilities)) if possibilities else ""


def _show_usage_error(exc: click.UsageError) -> None:
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        click.echo(exc.format_message(), err=True)
        return
    _error(_usage_message(exc))
    if exc.ctx is not None:
        # The command's name stays out of the hint: it is the user's own word, already on the line.
        key = "usage.see_commands" if exc.ctx.parent is None else "usage.see_help"
        click.echo(catalogue().text(key, command=exc.ctx.find_root().info_name), err=True)


class _Group(_ChineseParsing, click.Group):
    """The pbdocs command and its groups: usage errors in Chinese, and typed library errors as one
    ``错误：`` line with their exit code, in every command."""

    command_class = _Command
    group_class = type  # subgroups are _Group too

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PbdocsError as exc:
            _library_error(exc)
            ctx.exit(exc.exit_code)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            _show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.Abort:
            _error(catalogue().text("usage.aborted"))
            sys.exit(1)
        except click.ClickException as exc:
            _error(exc.format_message())
            sys.exit(exc.exit_code)
        # Without standalone mode click returns what the command returned, or the code of ctx.exit().
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, help=_help("cli"))
@click.version_option(__version__, prog_name="pbdocs")
def cli():
    """The pbdocs command; its help, like every command's, is the catalogue's [help] section."""


# --- options shared by several commands --------------------------------------------------------

_ocr_option = click.option(
    "--ocr", type=click.Choice(["auto", "never", "always"]), default="auto", show_default=True,
    help=_help("ocr"))
_pack_option = click.option(
    "--pack", type=click.Choice(registry().pack_names), default=registry().default_pack, show_default=True,
    help=_help("pack"))
_fail_on_option = click.option(
    "--fail-on", type=click.Choice(["partial", "missing", "none"]), default="partial", show_default=True,
    help=_help("fail_on"))

def _timeout_option(default: float, help_text: str):
    return click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=default,
                        show_default=True, help=help_text)


def _extract_options(ocr: str, timeout: float):
    """What every command reads a document with: the OCR mode and the default budget, but for the
    seconds the user allows."""
    from .extract import Budget, ExtractOptions

    return ExtractOptions(ocr=ocr, budget=Budget(seconds=timeout))


_kind_option = click.option(
    "--kind", type=click.Choice(registry().kind_choices()), default=None,
    help=_help("kind"))
# Verdicts that fail a run, by --fail-on; unreadable files exit 3 whatever it says. A document
# that is not a social-organization charter (not_applicable) fails nothing: it is no fault of it.
_FAILING = {
    "partial": frozenset({"partial", "missing", "contradicted"}),
    "missing": frozenset({"missing", "contradicted"}),
    "none": frozenset(),
}


# --- extract -------------------------------------------------------------------------------------

@cli.command(help=_help("extract"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=_help("extract_format"))
@_ocr_option
@_timeout_option(600, _help("timeout"))
def extract(paths, fmt, ocr, timeout):
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
            text = catalogue().error_text(exc)
            _error(catalogue().text("cli.ocr_never", message=text) if isinstance(exc, OcrDisabled) else text, exc.path)
            failed = True
            continue
        except TimeoutError:
            _error(catalogue().error_text(timeout_reason(timeout)), path)
            failed = True
            continue
        for warning in doc.warnings:
            click.echo(catalogue().text("cli.error_in", path=path, message=catalogue().error_text(warning)), err=True)
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
        zh = catalogue()
        left = zh.text("cli.left", seconds=f"{(total - done) / rate:.0f}") if rate > 0 and done < total else ""
        width = 30
        filled = int(width * done / total) if total else width
        rate_text = zh.text("cli.rate", rate=f"{rate:.1f}")
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {rate_text}  {left}"
        click.echo(line.ljust(80), err=True, nl=False)
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            click.echo("", err=True)


@cli.command(help=_help("screen"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--out", "-o", "out", required=True, type=click.Path(dir_okay=False, path_type=str),
              help=_help("screen_out"))
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help=_help("screen_workers"))
@_pack_option
@click.option("--org-type", default=None,
              help=_help("screen_org_type", types="、".join(registry().org_type_names())))
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help=_help("screen_rules"))
@_kind_option
@_fail_on_option
@_ocr_option
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help=_help("executor"))
@click.option("--scheduler", default=None, help=_help("scheduler"))
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=600, show_default=True,
              help=_help("screen_timeout"))
@click.option("--restart", is_flag=True, help=_help("restart"))
@click.option("--opinions", "opinions_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help=_help("opinions"))
def screen(paths, out, workers, pack, org_type, rules_file, kind, fail_on, ocr, executor, scheduler, timeout,
           restart, opinions_dir):
    from .rules import CheckOptions
    from .screen import screen as screen_batch

    if scheduler and executor != "dask":
        raise _SaidUsage(catalogue().text("usage.scheduler_needs_dask"))
    if executor == "dask" and not scheduler:
        _error(catalogue().text("cli.dask_needs_scheduler"))
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
        _error(catalogue().text("cli.interrupted"))
        sys.exit(130)
    if bar:
        bar.finish()
    zh = catalogue()
    for note in result.notes:
        click.echo(zh.error_text(note), err=True)
    summary = zh.text("cli.count_separator").join(
        zh.text("cli.count", label=zh.label("verdicts", v), count=n) for v, n in result.counts.items()
        if v != "not_applicable" or n)  # 不适用 is named only when some document is not a charter
    click.echo(zh.text("cli.screened", total=len(result.records), counts=summary), err=True)
    click.echo(zh.text("cli.report", path=result.report), err=True)
    if opinions_dir:
        _write_opinions(result.records, opinions_dir)
    counts = result.counts
    if counts["error"]:
        sys.exit(EXIT_UNREADABLE)
    sys.exit(EXIT_FINDINGS if any(counts[v] for v in _FAILING[fail_on]) else EXIT_OK)


def _write_opinions(records, out_dir: str, settings=None) -> None:
    from .deliver import write_opinions

    written = write_opinions((r.result for r in records), out_dir, settings)
    click.echo(catalogue().text("opinion.written", count=len(written), out=out_dir), err=True)


# --- serve, users, audit: the office workspace ------------------------------------------------------

_data_option = click.option(
    "--data", "data_dir", type=click.Path(file_okay=False, path_type=str), default=None,
    help=_help("data"))
_database_option = click.option(
    "--database", default=None, metavar="URL",
    help=_help("database"))


def _office(data_dir, database):
    from .office import Office

    office = Office(shell.data_dir(data_dir), database)
    warning = office.folder_warning()
    if warning:
        click.echo(warning, err=True)
    return office


def _read_password() -> str:
    """From a prompt on a terminal (typed twice), else the first line of stdin (scripts)."""
    if sys.stdin.isatty():
        return click.prompt(catalogue().text("office.password"), hide_input=True,
                            confirmation_prompt=catalogue().text("office.password_again"))
    return sys.stdin.readline().rstrip("\r\n")


@cli.group("users", help=_help("users"))
def users_group():
    """The users command group."""


@users_group.command("add", help=_help("users_add"))
@click.argument("name")
@click.option("--admin", is_flag=True, help=_help("admin"))
@_data_option
@_database_option
def users_add(name, admin, data_dir, database):
    office = _office(data_dir, database)
    office.add_user(name, _read_password(), admin=admin)
    click.echo(catalogue().text("office.admin_added" if admin else "office.user_added", name=name), err=True)


@users_group.command("list", help=_help("users_list"))
@_data_option
@_database_option
def users_list(data_dir, database):
    from .office import escape_controls

    zh = catalogue()
    for user in _office(data_dir, database).users():
        role = zh.text("office.role_admin" if user.admin else "office.role_officer")
        click.echo("\t".join([escape_controls(user.name), role,
                              zh.text("office.state_disabled" if user.disabled else "office.state_enabled"),
                              user.created]))


@users_group.command("disable", help=_help("users_disable"))
@click.argument("name")
@_data_option
@_database_option
def users_disable(name, data_dir, database):
    _office(data_dir, database).disable_user(name)
    click.echo(catalogue().text("office.user_disabled", name=name), err=True)


def _duration(ctx, param, value):
    from .office import parse_duration

    try:
        return parse_duration(value)
    except PbdocsError as exc:
        raise _SaidBadParameter(catalogue().error_text(exc), ctx=ctx, param=param) from None


@users_group.command("token", help=_help("users_token"))
@click.argument("name")
@click.option("--expires", default="90d", show_default=True, callback=_duration, help=_help("token_expires"))
@click.option("--label", default=None, help=_help("token_label"))
@_data_option
@_database_option
def users_token(name, expires, label, data_dir, database):
    zh = catalogue()
    token, info = _office(data_dir, database).issue_labelled_token(name, expires, label)
    click.echo(token)
    click.echo(zh.text("security.token_label", label=info.label, expires=info.expires or zh.text("security.never")),
               err=True)
    click.echo(zh.text("office.token_once"), err=True)


@users_group.command("tokens", help=_help("users_tokens"))
@click.argument("name")
@_data_option
@_database_option
def users_tokens(name, data_dir, database):
    from .office import escape_controls

    never = catalogue().text("security.never")
    for info in _office(data_dir, database).tokens(name):
        click.echo("\t".join(escape_controls(field) for field in (info.label, info.created, info.expires or never)))


@users_group.command("revoke", help=_help("users_revoke"))
@click.argument("name")
@click.argument("label")
@_data_option
@_database_option
def users_revoke(name, label, data_dir, database):
    _office(data_dir, database).revoke_token(name, label)
    click.echo(catalogue().text("security.token_revoked", name=name, label=label), err=True)


@cli.command(help=_help("audit"))
@click.option("--since", default=None, help=_help("since"),
              # _checked_date is defined with the ingest command below; looked up when the option is parsed.
              callback=lambda ctx, param, value: _checked_date(ctx, param, value))
@click.option("--user", "user_name", default=None, help=_help("audit_user"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=_help("audit_format"))
@_data_option
@_database_option
def audit(since, user_name, fmt, data_dir, database):
    zh = catalogue()
    for entry in _office(data_dir, database).audit(since, user_name):
        if fmt == "json":
            # JSON escapes control characters itself; the text line escapes them field by field.
            click.echo(_json_line(entry.as_dict()))
        else:
            at, user, action, obj, detail, address = entry.text_fields()
            click.echo("\t".join([at, user or zh.text("office.system"), zh.label("audit_actions", action), obj,
                                  detail, address]))


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


def _networks(ctx, param, values):
    import ipaddress

    for value in values:
        try:
            ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            said = catalogue().text("usage.not_a_network", value=value)
            raise _SaidBadParameter(said, ctx=ctx, param=param) from None
    return values


@cli.command(help=_help("serve"))
@click.option("--host", default="127.0.0.1", show_default=True,
              help=_help("host"))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help=_help("port"))
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help=_help("serve_index"))
@click.option("--max-upload-mb", type=click.IntRange(min=1), default=20, show_default=True,
              help=_help("max_upload_mb"))
@click.option("--max-files", type=click.IntRange(min=1), default=200, show_default=True,
              help=_help("max_files"))
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help=_help("serve_workers"))
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300, show_default=True,
              help=_help("serve_timeout"))
@_data_option
@_database_option
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help=_help("allowed_host"))
@click.option("--max-uploads", type=click.IntRange(min=1), default=64, show_default=True,
              help=_help("max_uploads"))
@click.option("--upload-timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help=_help("upload_timeout"))
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, metavar="ADDRESS", callback=_networks,
              help=_help("trusted_proxy"))
@click.option("--max-connections-per-address", type=click.IntRange(min=1), default=32, show_default=True,
              help=_help("max_connections_per_address"))
@click.option("--max-open-batches", type=click.IntRange(min=1), default=20, show_default=True,
              help=_help("max_open_batches"))
@click.option("--max-queued-documents", type=click.IntRange(min=1), default=2000, show_default=True,
              help=_help("max_queued_documents"))
def serve(host, port, index_dir, max_upload_mb, max_files, workers, timeout, data_dir, database, allowed_hosts,
          max_uploads, upload_timeout, trusted_proxies, max_connections_per_address, max_open_batches,
          max_queued_documents):
    try:
        import uvicorn

        from .web import create_app
        from .web.guard import GuardSettings, server_options
    except ImportError as exc:
        _error(catalogue().error_text("extra.missing", extra="web", module=exc.name))
        sys.exit(EXIT_USAGE)
    if not _is_loopback(host):
        click.echo(catalogue().text("cli.warning", message=catalogue().text("cli.plain_http", host=host)), err=True)
    data = shell.data_dir(data_dir)
    # Opened here first so a data folder others could read is tightened with a warning, or refused.
    _office(data, database)
    guard = GuardSettings.build(_served_names(host, allowed_hosts), max_uploads, upload_timeout, trusted_proxies,
                                connections_per_address=max_connections_per_address)
    app = create_app(index_dir=index_dir, max_upload_mb=max_upload_mb, max_files=max_files, workers=workers,
                     document_timeout=timeout, data_dir=data, database=database, guard=guard,
                     max_open_batches=max_open_batches, max_queued_documents=max_queued_documents)
    if not app.state.workspace.office.users():
        click.echo(catalogue().text("office.no_users", data=data), err=True)
    click.echo(catalogue().text("cli.serving", host=f"[{host}]" if ":" in host else host, port=port), err=True)
    # uvicorn's own start-up and request lines are English; only its errors are kept, for the administrator.
    uvicorn.run(app, host=host, port=port, log_level="error", **server_options(guard))


# --- search --------------------------------------------------------------------------------------

def _hit_lines(hit, color: bool) -> list[str]:
    from .search.versions import amendment

    place = " · ".join(x for x in (hit["citation"], hit.get("chapter")) if x)
    answer = hit["answer"].replace("\n", " ").strip()
    answer = click.style(answer, bold=True, fg="yellow") if color else f"【{answer}】"
    zh = catalogue()
    lines = [zh.text("cli.hit", rank=hit["rank"], place=place, score=f"{hit['score']:.2f}"), f"    {answer}"]
    if hit.get("superseded_by"):
        lines.append(zh.text("cli.superseded", citation=hit["superseded_by"]["citation"]))
    date = hit.get("date")
    if date and (kind := amendment(hit.get("version"), date)):
        date = zh.text("cli.amended", date=date, kind=kind)
    origin = " · ".join(x for x in (hit.get("issuer"), hit.get("doc_number"), date) if x)
    if hit.get("effective"):
        origin += (" · " if origin else "") + zh.text("cli.effective", date=hit["effective"])
    # Raw provenance (repository paths, snapshot commits) stays in JSON; people get a web address.
    link = hit.get("source") or ""
    lines.append(zh.text("cli.source", origin=origin or hit["title"])
                 + (f" | {link}" if link.startswith(("http://", "https://")) else ""))
    return lines


# Where the default corpus and index are: the shell's choice, read through these options.
_corpus_option = click.option(
    "--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=str), envvar=shell.CORPUS_ENV,
    show_envvar=True, default=None, help=_help("corpus"))


def _index_option(help_text: str):
    return click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=str),
                        envvar=shell.INDEX_ENV, show_envvar=True, default=None, help=help_text)


def _on_command_line(ctx: click.Context, name: str) -> bool:
    from click.core import ParameterSource

    return ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE


@cli.command(help=_help("search"))
@click.argument("query", required=False)
@click.option("-k", "k", type=click.IntRange(min=1, max=100), default=5, show_default=True,
              help=_help("k"))
@_index_option(_help("search_index"))
@_corpus_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=_help("search_format"))
@click.option("--batch", type=click.Path(dir_okay=False, path_type=str), default=None,
              help=_help("batch"))
@click.option("--rerank/--no-rerank", default=None, help=_help("rerank"))
@click.pass_context
def search(ctx, query, k, index_dir, corpus_dir, fmt, batch, rerank):
    from . import open_searcher
    from .search.searcher import check_question, read_batch

    if (query is None) == (batch is None):
        raise _SaidUsage(catalogue().text("usage.query_or_batch"))
    questions = read_batch(batch) if batch else None
    if query is not None:
        check_question(query)
    dense = rerank is not False
    if _on_command_line(ctx, "index_dir") and not _on_command_line(ctx, "corpus_dir"):
        searcher = open_searcher(index_dir, dense=dense)
    else:
        where = shell.search_locations(index_dir, corpus_dir)
        searcher = open_searcher(
            where.index_dir, where.corpus_dir, shipped_index=where.shipped_index, vector_seed=where.vector_seed,
            on_build=lambda path: click.echo(catalogue().text("cli.building_index", path=path), err=True),
            progress=_encoding_progress(), vector_cache=shell.vector_cache_dir(),
            prefix_cache=shell.prefix_cache_dir(), dense=dense)
    if rerank is True and searcher.dense is None:
        _encode_vectors(searcher)
    if dense and searcher.notice is not None:
        click.echo(catalogue().text("cli.warning", message=catalogue().error_text(searcher.notice)), err=True)
    if questions is not None:
        for qid, question in questions:
            result = searcher.search(question, k=k).as_dict()
            click.echo(_json_line({"id": qid, **result}))
        return
    found = searcher.search(query, k=k)
    result = found.as_dict()
    if fmt == "json":
        click.echo(_json_line(result))
        return
    hits = result["hits"]
    if not result["confident"]:
        if not found.related:
            click.echo(catalogue().text("search.no_answer"))
            return
        # The nearest provisions are often the right ones; they are shown, a few, as what they are.
        click.echo(catalogue().text("search.uncertain"))
        hits = hits[:_UNCERTAIN_HITS]
    color = sys.stdout.isatty()
    for hit in hits:
        click.echo("\n".join(_hit_lines(hit, color)))


_UNCERTAIN_HITS = 3


def _encoding_progress():
    """A progress bar on stderr for the passages an index build encodes; nothing when none are new."""
    state: dict = {}

    def progress(done: int, total: int) -> None:
        if total == 0:
            return
        bar = state.get("bar")
        if bar is None:
            click.echo(catalogue().text("cli.encoding_passages", count=total), err=True)
            bar = state["bar"] = click.progressbar(length=total, file=sys.stderr, show_pos=True, show_eta=True)
            bar.__enter__()
        bar.update(done - state.get("done", 0))
        state["done"] = done
        if done >= total:
            bar.__exit__(None, None, None)

    return progress


def _encode_vectors(searcher) -> None:
    """Compute the passage vectors an index lacks, then search it hybrid (``--rerank``)."""
    from .search import rerank

    if not rerank.available():
        rerank.attach(searcher, required=True)
    if rerank.PassageVectors.describe(searcher.reader.folder, searcher.reader.meta) != "current":
        from .search.rerank import VectorCache

        encoder = rerank.default_encoder()
        rerank.encode_index(searcher.reader.folder, encoder, progress=_encoding_progress(),
                            cache=VectorCache(shell.vector_cache_dir(), encoder.name))
    rerank.attach(searcher, required=True)


@cli.group("index", help=_help("index"))
def index_group():
    """The index command group."""


@index_group.command("build", help=_help("index_build"))
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=str))
@_index_option(_help("build_index"))
@_corpus_option
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help=_help("build_workers"))
@click.option("--rerank/--no-rerank", default=None, help=_help("build_rerank"))
def index_build(sources, index_dir, corpus_dir, workers, rerank):
    from .search import build
    from .search import rerank as dense

    encoder = None
    if rerank is not False and (rerank is True or dense.available()):
        encoder = dense.default_encoder(threads=workers or 1)
    bundled = shell.bundled_locations()
    meta = build(sources or [shell.corpus_dir(corpus_dir)], shell.index_dir(index_dir), processes=workers,
                 encoder=encoder, progress=_encoding_progress(), vector_cache=shell.vector_cache_dir(),
                 vector_seed=bundled.shipped_index if bundled is not None else None)
    click.echo(catalogue().text("cli.indexed", documents=meta["n_documents"], passages=meta["n_passages"],
                                terms=meta["n_terms"], seconds=f"{meta['build_seconds']:.1f}"), err=True)


def _checked_date(ctx, param, value):
    """A real day written YYYY-MM-DD (2024-13-45 and 2026/3/2 are usage errors)."""
    import datetime as dt
    import re

    if value is None:
        return value
    if not re.fullmatch(r"(?:19|20)\d{2}-\d{2}-\d{2}", value):
        raise _SaidBadParameter(catalogue().text("usage.date_format", value=value), ctx=ctx, param=param)
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise _SaidBadParameter(catalogue().text("usage.no_such_date", value=value), ctx=ctx, param=param) from None
    return value


@cli.command(help=_help("ingest"), short_help=_help("ingest_short"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@_corpus_option
@click.option("--title", default=None, help=_help("title"))
@click.option("--issuer", default=None, help=_help("issuer"))
@click.option("--doc-number", default=None, help=_help("doc_number"))
@click.option("--date", default=None, callback=_checked_date, help=_help("date"))
@click.option("--source", default=None, help=_help("source"))
@click.option("--version-label", "version_label", default=None,
              help=_help("version_label"))
@click.option("--effective", default=None, callback=_checked_date, help=_help("effective"))
@click.option("--superseded-by", default=None, metavar="ID",
              help=_help("superseded_by"))
@click.option("--in-force", is_flag=True, default=False,
              help=_help("in_force"))
def ingest(paths, corpus_dir, title, issuer, doc_number, date, source, version_label, effective, superseded_by,
           in_force):
    from .search import ingest as ingest_documents

    overrides = {"title": title, "issuer": issuer, "doc_number": doc_number, "date": date, "source": source,
                 "version": version_label, "effective": effective, "superseded_by": superseded_by,
                 "in_force": in_force or None}
    entries = ingest_documents(paths, shell.corpus_dir(corpus_dir, for_writing=True), overrides=overrides)
    for entry in entries:
        click.echo(_json_line(entry.as_dict()))
    click.echo(catalogue().text("cli.ingested", count=len(entries)), err=True)


# --- check ---------------------------------------------------------------------------------------

@cli.command(help=_help("check"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=_help("check_format"))
@_pack_option
@click.option("--org-type", type=click.Choice(registry().org_type_choices()), default=None,
              help=_help("check_org_type"))
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=str), default=None,
              help=_help("rules_file"))
@_kind_option
@click.option("--pages", is_flag=True,
              help=_help("pages"))
@_fail_on_option
@_ocr_option
@_timeout_option(600, _help("timeout"))
def check(paths, fmt, pack, org_type, rules_file, kind, pages, fail_on, ocr, timeout):
    from functools import partial

    from .executor import call_within
    from .present import check_lines
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
            result = CheckResult.unreadable(label, timeout_reason(timeout))
        if result.verdict == "error":
            unreadable = True
            _result_error(result)
        elif result.verdict in _FAILING[fail_on]:
            failing = True
        if fmt == "json":
            click.echo(_json_line(result.as_dict()))
        else:
            click.echo("\n".join(check_lines(result)))
    sys.exit(EXIT_UNREADABLE if unreadable else EXIT_FINDINGS if failing else EXIT_OK)


@cli.command("rules", help=_help("rules"))
@click.option("--pack", type=click.Choice(registry().pack_names), default=registry().every_pack, show_default=True,
              help=_help("rules_pack"))
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=str), default=None,
              help=_help("rules_rules"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=_help("rules_format"))
def rules_command(pack, rules_file, fmt):
    from .rules import list_rules

    for rule in list_rules(pack, rules_file):
        if fmt == "json":
            click.echo(_json_line(rule.as_dict()))
            continue
        zh = catalogue()
        scope = zh.text("rules_list.scope", types="、".join(rule.org_types)) if rule.org_types else ""
        click.echo(f"{rule.id}  【{zh.label('severities', rule.severity)}】  {rule.title}{scope}")
        click.echo(zh.text("rules_list.basis", basis=rule.basis.cite()))
        for element in rule.elements:
            required = "" if element.required else zh.text("check.optional")
            source = f"  {element.article}" if element.article else ""
            click.echo(f"    - {element.id}: {element.canonical or element.title}{required}{source}")
        if rule.alternative:
            click.echo(zh.text("rules_list.alternative", title=rule.alternative.title))


# --- opinion and amend ---------------------------------------------------------------------------

def _check_options(pack, org_type, rules_file, ocr, timeout):
    from .rules import CheckOptions

    return CheckOptions.build(pack=pack, org_type=org_type, rules_file=rules_file,
                              extract=_extract_options(ocr, timeout))


_org_type_option = click.option(
    "--org-type", type=click.Choice(registry().org_type_choices()), default=None,
    help=_help("org_type"))
_rules_option = click.option(
    "--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=str), default=None,
    help=_help("rules_file"))


def _read_template(ctx, param, value):
    """The office's Word template as bytes; anything but a readable .docx is a usage error."""
    if value is None:
        return None
    import zipfile

    path = Path(value)
    if path.suffix.lower() != ".docx" or not zipfile.is_zipfile(path):
        raise _SaidBadParameter(catalogue().text("amend.template_kind", template=value), ctx=ctx, param=param)
    with zipfile.ZipFile(path) as archive:
        if "word/document.xml" not in archive.namelist():
            raise _SaidBadParameter(catalogue().text("amend.template_kind", template=value), ctx=ctx, param=param)
    return path.read_bytes()


_template_option = click.option(
    "--template", type=click.Path(exists=True, dir_okay=False, path_type=str), default=None,
    callback=_read_template, help=_help("template"))


@cli.command(help=_help("opinion"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
              help=_help("opinion_out"))
@click.option("--office", default=None, help=_help("office"))
@click.option("--doc-number", "doc_number", default=None, help=_help("opinion_doc_number"))
@click.option("--signatory", default=None, help=_help("signatory"))
@click.option("--date", "day", default=None, callback=_checked_date,
              help=_help("opinion_date"))
@click.option("--attach-table", is_flag=True, help=_help("attach_table"))
@_template_option
@_pack_option
@_org_type_option
@_rules_option
@_ocr_option
@_timeout_option(600, _help("timeout"))
def opinion(paths, out_dir, office, doc_number, signatory, day, attach_table, template, pack, org_type, rules_file,
            ocr, timeout):
    import datetime as dt
    from functools import partial

    from .deliver import OpinionSettings, amendment_rows, write_opinions
    from .executor import call_within
    from .rules import CheckResult, check_path
    from .screen.task import timeout_reason

    options = _check_options(pack, org_type, rules_file, ocr, timeout)
    settings = OpinionSettings(office=office, signatory=signatory, doc_number=doc_number, template=template,
                               date=dt.date.fromisoformat(day) if day else dt.date.today())
    results, unreadable = [], False
    for path in paths:
        try:
            result = call_within(partial(check_path, options=options), path, timeout)
        except TimeoutError:
            result = CheckResult.unreadable(path, timeout_reason(timeout))
        if result.verdict == "error":
            unreadable = True
            _result_error(result)
        results.append(result)

    def table(result):
        return amendment_rows(result.path, options) if attach_table else None

    written = write_opinions(results, out_dir, settings, table)
    for path in written:
        click.echo(str(path))
    click.echo(catalogue().text("opinion.written", count=len(written), out=out_dir), err=True)
    sys.exit(EXIT_UNREADABLE if unreadable else EXIT_OK)


@cli.command(help=_help("amend"))
@click.argument("charter", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--out", "-o", "out", required=True, type=click.Path(dir_okay=False, path_type=str),
              help=_help("amend_out"))
@click.option("--table", default=None, type=click.Path(dir_okay=False, path_type=str),
              help=_help("table"))
@click.option("--author", default=None, help=_help("author"))
@click.option("--office", default=None, help=_help("amend_office"))
@_template_option
@_pack_option
@_org_type_option
@_rules_option
@_ocr_option
@_timeout_option(600, _help("timeout"))
def amend(charter, out, table, author, office, template, pack, org_type, rules_file, ocr, timeout):
    from functools import partial

    from .deliver import amend_charter, default_author
    from .executor import call_within
    from .screen.task import timeout_reason

    options = _check_options(pack, org_type, rules_file, ocr, timeout)
    try:
        amendment = call_within(partial(amend_charter, out=out, table=table, options=options,
                                        author=author or default_author(office), template=template),
                                charter, timeout)
    except TimeoutError:
        _error(catalogue().error_text(timeout_reason(timeout)), charter)
        sys.exit(EXIT_UNREADABLE)
    if not amendment.changed:
        click.echo(catalogue().text("amend.compliant", path=charter), err=True)
        return
    count = len(amendment.plan.edits) + len(amendment.plan.new) + len(amendment.plan.deleted)
    click.echo(catalogue().text("amend.written", path=charter, out=out, count=count), err=True)
    if amendment.table is not None:
        click.echo(catalogue().text("amend.table_written", out=amendment.table), err=True)


def _short(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _change_lines(comparison) -> list[str]:
    """The changes in words, a run of articles only renumbered as one line."""
    zh = catalogue()
    lines: list[str] = []
    run: list = []

    def flush():
        if len(run) == 1:
            lines.append(zh.text("compare.renumbered", old=run[0].old_article, new=run[0].new_article))
        elif run:
            lines.append(zh.text("compare.renumbered_run", first_old=run[0].old_article, last_old=run[-1].old_article,
                                 first_new=run[0].new_article, last_new=run[-1].new_article))
        run.clear()

    for change in comparison.changes:
        if change.kind == "renumbered":
            run.append(change)
            continue
        flush()
        if change.kind == "added":
            lines.append(zh.text("compare.added", new=change.new_article or "", text=_short(change.new_text or "")))
        elif change.kind == "removed":
            lines.append(zh.text("compare.removed", old=change.old_article or "", text=_short(change.old_text or "")))
        else:
            key = "compare.modified" if change.old_article != change.new_article else "compare.modified_same"
            lines.append(zh.text(key, old=change.old_article or "", new=change.new_article or "",
                                 text=_short(change.new_text or "")))
        if change.note:
            lines.append(zh.text("compare.note", note=change.note))
    flush()
    return lines


@cli.command(help=_help("compare"))
# Not click's exists=True: a missing version is a file that cannot be read (exit 3, the reader's
# Chinese reason), as in `check`, not a usage mistake.
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str))
@click.option("--out", "-o", "out", default=None, type=click.Path(dir_okay=False, path_type=str),
              help=_help("compare_out"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=_help("compare_format"))
@_template_option
@_pack_option
@_org_type_option
@_rules_option
@_ocr_option
@_timeout_option(600, _help("timeout"))
def compare(old, new, out, fmt, template, pack, org_type, rules_file, ocr, timeout):
    from functools import partial

    from .deliver import compare_charters, comparison_table, table_docx, table_text
    from .executor import call_within
    from .files import atomic_path
    from .screen.task import timeout_reason

    if out is not None and Path(out).suffix.lower() not in (".docx", ".txt"):
        raise _SaidUsage(catalogue().text("amend.table_kind", table=out))
    options = _check_options(pack, org_type, rules_file, ocr, timeout)
    try:
        comparison = call_within(partial(compare_charters, new=new, options=options), old, 2 * timeout)
    except TimeoutError:
        _error(catalogue().error_text(timeout_reason(2 * timeout)), old)
        sys.exit(EXIT_UNREADABLE)
    except ReadError as exc:
        _library_error(exc)
        sys.exit(EXIT_UNREADABLE)
    zh = catalogue()
    if fmt == "json":
        click.echo(_json_line(comparison.as_dict()))
    elif comparison.identical:
        click.echo(zh.text("compare.identical"))
    else:
        counts = {kind: sum(1 for c in comparison.changes if c.kind == kind)
                  for kind in ("added", "removed", "modified", "renumbered")}
        click.echo(zh.text("compare.summary", unchanged=comparison.unchanged, **counts))
        click.echo("\n".join(_change_lines(comparison)))
    if fmt != "json":
        click.echo(zh.text("compare.verdicts", before=zh.label("verdicts", comparison.before.verdict),
                           after=zh.label("verdicts", comparison.after.verdict)))
        if comparison.less_compliant:
            click.echo(zh.text("compare.less_compliant"))
            for regression in comparison.regressions:
                if regression.element:
                    click.echo(zh.text("compare.regression_element", title=regression.title,
                                       element=regression.element))
                else:
                    group = "verdicts" if regression.rule == "verdict" else "statuses"
                    click.echo(zh.text("compare.regression", title=regression.title,
                                       before=zh.label(group, regression.before),
                                       after=zh.label(group, regression.after)))
        else:
            click.echo(zh.text("compare.not_less"))
    if out is not None and not comparison.identical:
        rows = comparison_table(comparison)
        name = (f"{comparison.after.name}章程" if comparison.after.name else Path(new).stem)
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target, shared=True) as tmp:
            if target.suffix.lower() == ".docx":
                tmp.write_bytes(table_docx(rows, name, template=template, third="compare.third"))
            else:
                tmp.write_text(table_text(rows, name, third="compare.third"), encoding="utf-8")
        click.echo(zh.text("compare.table_written", out=out), err=True)
    sys.exit(EXIT_FINDINGS if comparison.less_compliant else EXIT_OK)


# --- entry point ---------------------------------------------------------------------------------

main = cli

if __name__ == "__main__":
    main()
