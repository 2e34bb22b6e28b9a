"""Web pages: the article body only, without navigation, footers or browser notices.

The charset comes from a BOM, then the page's own ``<meta>``, then the bytes. The body is found
by text density: each paragraph votes for its parent (and half a vote for its grandparent), and
the node with most votes is the article. Site chrome left inside it is removed line by line by the
same filter that cleans saved pages (:mod:`.boilerplate`).
"""
from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

from ..errors import Notice, ReadError
from ..models import Page
from . import Extracted
from .boilerplate import strip_web_boilerplate
from .text import decode_bytes, read_bytes_limited

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# Every pattern that scans markup stops at the next "<" as well as at ">": an unclosed tag then costs
# the characters up to the next tag, never a rescan to the end of the page for each "<".
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>")
_TITLE_OPEN = re.compile(r"<title\b[^<>]*>", re.I)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.I)
_HIDDEN_OPEN = re.compile(r"<(script|style|noscript|head)\b[^<>]*>", re.I)
_ANY_TAG = re.compile(r"<[^<>]*>")
_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_DROP_TAGS = ("script", "style", "noscript", "nav", "footer", "aside", "form", "iframe", "select",
              "button", "svg", "template", "object", "head")
_CHROME_ATTR = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|menu|footer|foot|header|top|topbar|breadcrumb|crumb|sidebar|side|share|"
    r"copyright|comment|comments|related|toolbar|banner|links|friendlink|ad|ads|advert|login|search|"
    r"pagination|pager|print|tools)(?:$|[\s_\-\d])",
    re.I,
)
# Past this depth the DOM parser's time grows too fast; such pages are read as flat text.
MAX_DEPTH = 400


def _nesting_depth(markup: str) -> int:
    depth = deepest = 0
    for closing, tag, rest in _TAG.findall(markup):
        tag = tag.lower()
        if tag in _VOID or rest.endswith("/"):
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
    return deepest


def decode_html(data: bytes) -> tuple[str, str]:
    meta = _META_CHARSET.search(data[:4096])
    return decode_bytes(data, hint=meta.group(1).decode("ascii", "ignore") if meta else None)


def read_html(path: Path, options) -> Extracted:
    data = read_bytes_limited(path, options.budget)
    markup, codec = decode_html(data)
    warnings = [] if codec == "utf-8" else [Notice.of("warn.decoded_as", codec=codec)]
    depth = _nesting_depth(markup)
    if depth > MAX_DEPTH:
        warnings.append(Notice.of("warn.html_flat", depth=depth))
        title, body = _flat_text(markup)
    else:
        title, body = _article_text(markup)
    cleaned = strip_web_boilerplate(body, force=True, trim=False) if options.strip_boilerplate else None
    if cleaned is not None:
        body = cleaned.text
        title = title or cleaned.title
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    if not body:
        raise ReadError("read.no_text_in_page", path=path)
    header = cleaned.header_lines if cleaned else []
    return Extracted(pages=[Page(1, body)], warnings=warnings, title=title, header_lines=header)


def _flat_text(markup: str) -> tuple[str | None, str]:
    """Title and text of a page too deeply nested for the DOM parser, in one pass over the markup."""
    title = None
    opened = _TITLE_OPEN.search(markup)
    if opened:
        closed = _TITLE_CLOSE.search(markup, opened.end())
        if closed:
            title = htmllib.unescape(_ANY_TAG.sub("", markup[opened.end():closed.start()])).strip()
    markup = _BLOCK_TAG.sub("\n", _without_hidden(markup))
    text = htmllib.unescape(_ANY_TAG.sub("", markup))
    lines = [ln.strip() for ln in text.split("\n")]
    return title or None, "\n".join(lines)


_BLOCK_TAG = re.compile(rf"</?(?:{'|'.join(sorted(_BLOCK))})\b[^<>]*>", re.I)


def _without_hidden(markup: str) -> str:
    """The markup without script, style, noscript and head elements. An element never closed is
    left as it is; since its end is not found from one start, it is not looked for again from a
    later one, so the page is scanned a bounded number of times."""
    kept: list[str] = []
    at = 0
    never_closed: set[str] = set()
    search_from = 0
    while (opened := _HIDDEN_OPEN.search(markup, search_from)) is not None:
        name = opened.group(1).lower()
        closing = None
        if name not in never_closed:
            closing = re.compile(rf"</{name}\s*>", re.I).search(markup, opened.end())
        if closing is None:
            never_closed.add(name)
            search_from = opened.end()
            continue
        kept.append(markup[at:opened.start()])
        kept.append(" ")
        at = search_from = closing.end()
    kept.append(markup[at:])
    return "".join(kept)


def _article_text(markup: str) -> tuple[str | None, str]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(markup)
    title = _page_title(tree)
    body = tree.body
    if body is None:
        return title, ""
    for tag in _DROP_TAGS:
        for node in body.css(tag):
            node.decompose()
    for node in body.css("[class], [id]"):
        marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _CHROME_ATTR.search(marker) and len(_text_of(node)) < 2000:
            node.decompose()
    root = _densest_node(body) or body
    text = _block_text(root)
    if not text.strip():
        return title, ""
    if root is not body:
        text = _document_header(_block_text(body), text) + text
    if title and title not in text[:200]:
        heading = root.css_first("h1, h2") if root is not body else None
        if heading is None:
            text = title + "\n\n" + text
    return title, text


def _document_header(page_text: str, article_text: str) -> str:
    """A notice's 文号 and date lines, which layouts often set in cells above the article body."""
    from .metadata import DATE, DOC_NUMBER

    first_line = next((ln for ln in article_text.split("\n") if ln.strip()), "")
    at = page_text.find(first_line) if first_line else -1
    if at <= 0:
        return ""
    above = [ln.strip() for ln in page_text[:at].split("\n") if ln.strip()][-6:]
    keep = [ln for ln in above
            if (m := DOC_NUMBER.search(ln) or DATE.search(ln)) and len(ln) <= len(m.group(0)) + 8]
    return "".join(ln + "\n\n" for ln in keep)


def _page_title(tree) -> str | None:
    for selector in ("h1", ".title, .article-title, #title", "title"):
        node = tree.css_first(selector)
        if node is not None:
            text = re.sub(r"\s+", " ", node.text(deep=True)).strip()
            if text:
                # <title> often carries " - site name" or "_网站名"; the article title comes first.
                return re.split(r"\s*[-_|—]{1,2}\s*(?=[^-_|—]*$)", text)[0] if selector == "title" else text
    return None


def _text_of(node) -> str:
    return node.text(deep=True, separator="", strip=False)


def _own_text(node) -> str:
    """Text directly in ``node`` and its inline descendants; nested blocks and links vote for
    themselves (or, for link lists such as news columns and related articles, not at all)."""
    parts: list[str] = []
    stack = list(reversed(list(_children(node))))
    while stack:
        child = stack.pop()
        if child.is_text_node:
            parts.append(child.text_content or "")
        elif child.is_element_node and child.tag not in _BLOCK and child.tag not in ("td", "th", "a"):
            stack.extend(reversed(list(_children(child))))
    return "".join(parts)


def _densest_node(body):
    votes: dict[int, float] = {}
    nodes: dict[int, object] = {}
    for para in body.css("p, td, th, li, div, section, article, blockquote, pre"):
        own = _own_text(para)
        han = len(re.findall(r"[\u4e00-\u9fff]", own))
        punctuation = len(re.findall(r"[，。、；,]", own))
        weight: float = han + 3 * punctuation
        if not punctuation:
            weight *= 0.2
        if weight < 10:
            continue
        parent = para.parent
        for share in (1.0, 0.5):
            if parent is None:
                break
            key = parent.mem_id
            votes[key] = votes.get(key, 0.0) + weight * share
            nodes[key] = parent
            parent = parent.parent
    if not votes:
        return None
    best = max(votes, key=votes.__getitem__)
    return nodes[best]


def _children(node):
    child = node.child
    while child is not None:
        yield child
        child = child.next


def _block_text(root) -> str:
    """Text with a line break at every block boundary; iterative, so depth never hits recursion."""
    parts: list[str] = []
    stack = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            parts.append("\n")
            continue
        if node.is_text_node:
            parts.append(node.text_content or "")
            continue
        if not node.is_element_node:
            continue
        tag = node.tag
        if tag in ("td", "th"):
            parts.append(" ")
        if tag in _BLOCK:
            parts.append("\n")
            stack.append((node, True))
        for child in reversed(list(_children(node))):
            stack.append((child, False))
    lines = [re.sub(r"[ \t\u00a0\u3000]+", " ", ln).strip() for ln in "".join(parts).split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out)
