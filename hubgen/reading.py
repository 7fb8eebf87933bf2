"""Text as a reader sees it: what is invisible dropped, look-alike letters read as the letter."""

from __future__ import annotations

import functools
import unicodedata

UNSEEN = frozenset({"Mn", "Me", "Cf"})  # combining marks; format characters (U+00AD, U+200B...)


@functools.cache
def look_alikes() -> dict[str, str]:
    """Characters that look like an ASCII letter or digit, to that letter (Unicode's confusables,
    through confusable_homoglyphs)."""
    from confusable_homoglyphs.confusables import confusables_data

    found = {}
    for char, homoglyphs in confusables_data.items():
        if len(char) == 1 and not char.isascii():
            latin = [h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()]
            if latin:
                found[char] = latin[0].lower()
    return found


def as_read(text: str) -> str:
    """`text`'s words as a reader sees them, casefolded and single-spaced: soft hyphens,
    zero-width characters and accents dropped, Cyrillic `е` or fullwidth `ｅ` read as `e`, any
    other character a space. Two names a reader cannot tell apart read the same."""
    seen = look_alikes()
    out = []
    for c in unicodedata.normalize("NFKD", text):
        if unicodedata.category(c) in UNSEEN:
            continue
        c = seen.get(c, c).casefold()
        out.append(c if c.isalnum() or c == "_" else " ")
    return " ".join("".join(out).split())
