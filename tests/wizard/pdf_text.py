"""The text of each page of a PDF that Chromium printed (stdlib only; no PDF library here).

Chromium (Skia) writes plain, uncompressed objects; page contents are Flate
streams that show glyphs of Type0 fonts (Identity-H: two bytes per glyph) with a
ToUnicode map. That is all this reads: enough to tell what text is on which page.
Anything else raises, so a change in Chromium's output fails a test rather than
passing it with no text.
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_REF = rb"(\d+) 0 R"


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (its dictionary text, its decoded stream or None)."""
    found = {}
    for number, body in _OBJ.findall(data):
        stream = None
        head, sep, rest = body.partition(b"stream")
        if sep:
            raw = re.sub(rb"^\r?\n", b"", rest)
            raw = raw[:raw.rindex(b"endstream")].rstrip(b"\r\n")
            stream = zlib.decompress(raw) if b"/FlateDecode" in head else raw
        found[int(number)] = (head, stream)
    return found


def _cmap(stream: bytes) -> dict[int, str]:
    """A ToUnicode CMap: glyph code -> text."""
    out: dict[int, str] = {}

    def text(hexstr: bytes) -> str:
        return bytes.fromhex(hexstr.decode()).decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = text(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(start + i)
    return out


def page_texts(data: bytes) -> list[str]:
    """The text shown on each page, in page order (runs joined; spacing not kept)."""
    objs = _objects(data)
    pages_obj = next(head for head, _s in objs.values() if re.search(rb"/Type\s*/Pages\b", head))
    kids = [int(n) for n in re.findall(_REF, re.search(rb"/Kids\s*\[(.*?)\]", pages_obj,
                                                       re.S).group(1))]
    maps: dict[int, dict[int, str]] = {}
    texts = []
    for kid in kids:
        head = objs[kid][0]
        fonts = {}
        block = re.search(rb"/Font\s*<<(.*?)>>", head, re.S)
        for name, ref in re.findall(rb"/(\w+)\s+" + _REF, block.group(1) if block else b""):
            font = objs[int(ref)][0]
            uni = re.search(rb"/ToUnicode\s+" + _REF, font)
            if uni is None:
                raise ValueError(f"font {name!r} has no ToUnicode map")
            key = int(uni.group(1))
            if key not in maps:
                maps[key] = _cmap(objs[key][1])
            fonts[name] = maps[key]
        contents = re.search(rb"/Contents\s+(\[.*?\]|" + _REF + rb")", head, re.S).group(1)
        stream = b"".join(objs[int(n)][1] for n in re.findall(_REF, contents))
        out, cmap = [], {}
        for token in re.finditer(rb"/(\w+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj",
                                 stream, re.S):
            if token.group(1):
                cmap = fonts[token.group(1)]
                continue
            hexes = (re.findall(rb"<([0-9A-Fa-f]*)>", token.group(2)) if token.group(2)
                     is not None else [token.group(3)])
            for h in hexes:
                out.extend(cmap.get(int(h[i:i + 4], 16), "") for i in range(0, len(h), 4))
        texts.append("".join(out))
    return texts


def squash(text: str) -> str:
    """Text without whitespace, to compare with what a page shows (its spacing is not kept)."""
    return re.sub(r"\s+", "", text)
