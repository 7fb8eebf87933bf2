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


def word_chars(text: str) -> str:
    """Word characters as a reader sees them, casefolded; any other character a space (as `\\w`).
    What a reader does not see is dropped (soft hyphens, zero-width characters, accents and other
    combining marks), and a letter that looks like a Latin one is read as it (Cyrillic `е`,
    fullwidth `ｅ`, mathematical `𝐞`)."""
    seen = look_alikes()
    out = []
    for c in unicodedata.normalize("NFKD", text):
        if unicodedata.category(c) in UNSEEN:
            continue
        c = seen.get(c, c).casefold()
        out.append(c if c.isalnum() or c == "_" else " ")
    return "".join(out)


def as_read(text: str) -> str:
    """`text`'s words as a reader sees them, single-spaced: two names a reader cannot tell apart
    read the same."""
    return " ".join(word_chars(text).split())
