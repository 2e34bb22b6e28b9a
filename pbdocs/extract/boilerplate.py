"""Strip site boilerplate (navigation, share bars, footers, browser notices) from web-page text.

Works on lines, so it serves both saved pages (plain text with the site's chrome) and the text of
an HTML article after the DOM pass. Text that shows no sign of being a web page (a charter, a
statute) is returned untouched: its short headings must survive.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

# A line that is site chrome wherever it appears.
_CHROME = re.compile(
    r"^(?:"
    r"你知道你的\s*Internet\s*Explorer\s*是过时了吗.*|为了得到我们网站最好的体验效果.*|.*升级到最新版.*浏览器.*"
    r"|当前位置.*|您现在的位置.*|您的位置.*|首页\s*[>›»\-].*|.*[>›»]\s*正文\s*$"
    r"|导航菜单|全站搜索|搜索|站内搜索|在线客服.*|在线|客服|热线|关注|微信|关注官方微信|选择下列客服.*"
    r"|全屏背景|全站变灰|空白边框|图片|返回列表|返回顶部|返回首页|打印本页|关闭窗口|【打印】.*|【字体.*"
    r"|分享(?:到)?\s*[:：]?.*|扫一扫.*|使用微信.*扫一扫.*|.*分享到微信.*"
    r"|上一篇.*|下一篇.*|相关文章.*|相关阅读.*|相关新闻.*|热点关键词.*|最新文章|热门文章|推荐阅读.*|自定内容"
    r"|.*最新评论|.*热门评论|查看全部留言|我要留言.*|发表评论.*"
    r"|(?:Copyright|版权所有|©|◎).*|.*ICP备.*|.*公网安备.*|.*举报(?:电话|邮箱).*|联系我们.*|网站地图.*|关于我们.*"
    r"|\(?责(?:任)?编(?:辑)?\s*[:：].*|文章正文|注册|登录|登录\s*\|\s*注册|.*\d{3,4}-\d{6,8}\s*$"
    r"|常年法律顾问.*|7\s*\*\s*24小时.*|主办单位.*|承办单位.*|技术支持.*|访问量.*|浏览次数.*|点击数.*"
    r")$",
    re.IGNORECASE,
)
# A line that describes the article (kept as metadata, not body).
_ARTICLE_INFO = re.compile(r"(?:来源|作者|发布时间|发布于|发布日期|文章分类|浏览|字号)\s*[:：]")
_SENTENCE_END = re.compile(r"[。！？；!?;」”）)]\s*$")
_PUNCT = re.compile(r"[，。、；,;]")
INFO = "\x00INFO"
_CLOSING = re.compile(
    r"^(?:[（(].{2,60}[)）]"
    r"|[\u4e00-\u9fa5（）()]{2,24}(?:部|厅|局|委员会|委|办公室|办公厅|政府|党委|组织部|协会|中心)"
    r"|(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)$"
)


@dataclass
class Cleaned:
    text: str
    title: str | None = None
    removed_lines: int = 0
    header_lines: list[str] = field(default_factory=list)


def _is_content(line: str) -> bool:
    return len(line) >= 25 and len(_PUNCT.findall(line)) >= 1


def looks_like_web_page(lines: list[str]) -> bool:
    stripped = [ln.strip() for ln in lines if ln.strip()]
    chrome = sum(1 for ln in stripped if _CHROME.match(ln))
    info = sum(1 for ln in stripped[:40] if _ARTICLE_INFO.search(ln))
    return chrome >= 2 or (chrome >= 1 and info >= 1)


def strip_web_boilerplate(text: str, *, force: bool = False, trim: bool = True) -> Cleaned:
    """Remove chrome lines; with ``trim``, also everything before the title and after the body.

    ``force`` skips the is-this-a-web-page test. HTML passes ``trim=False``: its DOM pass already
    chose the article, and a short closing paragraph must not be cut as if it were a footer.
    """
    lines = text.split("\n")
    if not force and not looks_like_web_page(lines):
        return Cleaned(text)
    kept: list[str] = []
    header: list[str] = []
    removed = 0
    for line in lines:
        s = line.strip()
        if not s:
            kept.append("")
            continue
        if _CHROME.match(s):
            removed += 1
            continue
        if _ARTICLE_INFO.search(s) and (len(_ARTICLE_INFO.findall(s)) >= 2 or not _is_content(s)):
            header.append(s)
            kept.append(INFO)
            removed += 1
            continue
        kept.append(line.rstrip())
    # The body runs from the title to the last paragraph; everything outside is chrome. The title
    # is the heading just above the article-info line, or the longest heading just above the
    # first paragraph (a short byline may sit between them).
    idx = [i for i, ln in enumerate(kept) if ln.strip() and ln != INFO]
    content = [i for i in idx if _is_content(kept[i].strip())]
    title = None
    if content and not trim:
        body = [ln for ln in kept if ln != INFO]
    elif content:
        info_at = [i for i, ln in enumerate(kept) if ln == INFO]
        middle = content[len(content) // 2]
        info_at = [i for i in info_at if i < middle]
        if info_at:
            heads = [i for i in idx if i < info_at[0]][-1:]
            start = heads[0] if heads else info_at[0]
        else:
            first = content[0]
            heads = [i for i in idx if i < first][-3:]
            heads = [i for i in heads if len(kept[i].strip()) >= 6] or heads
            start = min(heads) if heads else first
            if heads:
                heads = [max(heads, key=lambda i: len(kept[i].strip()))]
        if heads:
            title = kept[heads[0]].strip()
        last = content[-1]
        end = last
        for i in [i for i in idx if i > last][:4]:
            # Short closing lines still belong to the article: an attribution in brackets, or a
            # notice's signature (issuing body, then date).
            if _CLOSING.match(kept[i].strip()):
                end = i
            else:
                break
        removed += sum(1 for i in idx if i < start or i > end)
        body = [ln for ln in kept[start:end + 1] if ln != INFO]
    else:
        body = [ln for ln in kept if ln != INFO]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(body)).strip("\n")
    return Cleaned(out, title=title, removed_lines=removed, header_lines=header)


def _line_key(line: str) -> str:
    return "".join(line.split())


# Lines shorter than this repeat in every charter (（一）会费；) and are never taken for a layer.
_LAYER_MIN_CHARS = 6


def duplicate_lines(lines: list[str]) -> set[int]:
    """Indices of lines that repeat a text layer already read: a page copied with its hidden or
    mobile copy gives each paragraph twice in a row, or the whole body a second time.

    A line counts when its text was seen before and it is either an immediate repeat, or it
    continues a repeat, or the line after it also follows its earlier copy (a repeated block).
    """
    keys = [_line_key(line) for line in lines]
    content = [i for i, key in enumerate(keys) if key]
    seen: dict[str, int] = {}
    following = dict(pairwise(content))
    duplicates: set[int] = set()
    previous: int | None = None
    for i in content:
        key = keys[i]
        earlier = seen.get(key)
        if earlier is not None and len(key) >= _LAYER_MIN_CHARS:
            nxt, earlier_next = following.get(i), following.get(earlier)
            block = nxt is not None and earlier_next is not None and keys[nxt] == keys[earlier_next]
            if (previous is not None and keys[previous] == key) or previous in duplicates or block:
                duplicates.add(i)
        seen.setdefault(key, i)
        previous = i
    return duplicates
