"""The text of an incoming mail: bytes to text whatever the encoding, HTML to plain
text (never rendered), the quoted history below a reply, and the subject's reply
prefixes and reference tag. Pure: no Flask, no database."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Control characters a database or a page must not get: every C0 character but tab
# and line feed (NUL breaks PostgreSQL's text), DEL and the C1 range.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# "SV:", "VB:", "Re:", "Fwd:", "FW:", "AW:", "Ang.:" … (any number, in any order).
_PREFIX = re.compile(r"^\s*(?:(?:re|sv|vs|vb|fw|fwd|aw|wg|tr|ang\.?)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
REFERENCE = re.compile(r"\[\s*(KT-\d{4}-\d{6})\s*\]", re.I)


def decode(data: bytes, charset: str | None = None) -> str:
    """Text from bytes: in the declared charset when Python knows it, else UTF-8, else
    Windows-1252 (ISO-8859-1's superset), with replacement characters for whatever
    still does not decode. Never raises."""
    if charset:
        try:
            return data.decode(charset.strip().strip('"'), errors="replace")
        except (LookupError, ValueError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def clean(text: str) -> str:
    """Text fit to store and show: line breaks as LF, control characters (NUL and the
    like) left out, lone surrogates replaced."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    return text.encode("utf-8", errors="replace").decode("utf-8")


class _TextOfHtml(HTMLParser):
    """The words of an HTML document, with line breaks where blocks end; scripts,
    styles and the head left out. Nothing is fetched, run or shown as HTML."""

    BLOCKS = frozenset(
        [
            "address",
            "article",
            "aside",
            "blockquote",
            "br",
            "dd",
            "div",
            "dl",
            "dt",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "li",
            "main",
            "nav",
            "ol",
            "p",
            "pre",
            "section",
            "table",
            "tr",
            "ul",
        ]
    )
    SKIP = frozenset({"script", "style", "head", "title", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.quote_depth = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "blockquote":
            self.quote_depth += 1
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in self.SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag == "blockquote":
            self.quote_depth = max(self.quote_depth - 1, 0)
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if self.skipping:
            return
        text = re.sub(r"[ \t\r\n\f]+", " ", data)
        if self.quote_depth and text.strip():
            text = "\n".join("> " + line for line in text.split("\n"))
        self.parts.append(text)


def html_to_text(html: str) -> str:
    """Plain text of an HTML mail (quoted blocks as ``>`` lines)."""
    parser = _TextOfHtml()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # malformed markup: keep what was read
        pass
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# Where the quoted history of a reply begins.
_HISTORY_STARTS = [
    re.compile(r"^-{2,}\s*(original message|ursprungligt meddelande|originalmeddelande)", re.I),
    re.compile(r"^_{10,}\s*$"),  # Outlook's line above "Från: …"
    re.compile(r"^(från|from|von|de)\s*:\s*\S.*", re.I),
    # "On … Anna <a@b> wrote:", "Den … skrev Anna <a@b>:", "Am … schrieb …:"
    re.compile(r"^(on|den|am|le)\s.+\b(wrote|skrev|schrieb|a écrit)\b.*:\s*$", re.I),
    re.compile(r"^.{0,80}\b(wrote|skrev|schrieb)\s*:\s*$", re.I),
    re.compile(r"^>"),
]
_HEADER_BLOCK = re.compile(r"^(skickat|sent|datum|date|till|to|ämne|subject)\s*:", re.I)


def _starts_history(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if not line:
        return False
    for pattern in _HISTORY_STARTS[:2] + _HISTORY_STARTS[3:]:
        if pattern.match(line):
            return True
    if _HISTORY_STARTS[2].match(line):  # "Från: x" counts only as a header block
        following = [each.strip() for each in lines[i + 1 : i + 4] if each.strip()]
        return any(_HEADER_BLOCK.match(each) for each in following)
    return False


def split_quoted(text: str) -> tuple[str, str]:
    """The reply and the quoted history below it (``""`` when there is none). A text
    that is nothing but quotation is all reply: nothing is hidden from a reader who
    would then see an empty message."""
    lines = (text or "").split("\n")
    for i in range(len(lines)):
        if _starts_history(lines, i):
            reply = "\n".join(lines[:i]).rstrip()
            if not reply.strip():
                return text, ""
            return reply, "\n".join(lines[i:]).strip("\n")
    return text, ""


def strip_prefixes(subject: str) -> str:
    """The subject without reply and forward prefixes (``SV: VB: Re: Fwd: …``)."""
    return _PREFIX.sub("", subject or "").strip()


def reference_in(subject: str) -> str | None:
    """The ticket reference tag ``[KT-YYYY-NNNNNN]`` in a subject, upper-cased."""
    found = REFERENCE.search(subject or "")
    return found.group(1).upper() if found else None


def same_subject_key(subject: str) -> str:
    """A subject compared with another: prefixes, the reference tag, case and spacing
    left out."""
    bare = REFERENCE.sub("", strip_prefixes(subject))
    return " ".join(strip_prefixes(bare).lower().split())
