"""Offsets between the corpus (Python code points) and Label Studio (JavaScript UTF-16 code units).

The corpus counts characters as Unicode code points (``len(str)`` in Python). Label Studio's
browser counts JavaScript string indices, which are UTF-16 code units: a character outside the
Basic Multilingual Plane (most emoji, some CJK extensions, mathematical letters) is one code point
but two code units. For text made of BMP characters only, the two are the same numbers.
"""

from __future__ import annotations

from bisect import bisect_left


class OffsetMap:
    """Convert offsets of one text between code points and UTF-16 code units."""

    __slots__ = ("text", "_astral", "utf16_length")

    def __init__(self, text: str):
        self.text = text
        # code-point indices of the characters that take two UTF-16 units
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self.utf16_length = len(text) + len(self._astral)

    @property
    def identity(self) -> bool:
        """True when both counts agree everywhere (no character outside the BMP)."""
        return not self._astral

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code-point offset ``cp`` (0 <= cp <= len(text))."""
        if not 0 <= cp <= len(self.text):
            raise ValueError(f"code-point offset {cp} is outside the text (length {len(self.text)})")
        return cp + bisect_left(self._astral, cp)

    def to_codepoint(self, u16: int) -> int | None:
        """Code-point offset of UTF-16 offset ``u16``; None when it is outside the text or falls
        between the two halves of a surrogate pair (no character boundary there)."""
        if not 0 <= u16 <= self.utf16_length:
            return None
        # cp = u16 - (number of astral characters wholly before cp)
        lo, hi = 0, len(self._astral)
        while lo < hi:  # first astral char whose UTF-16 start is >= u16
            mid = (lo + hi) // 2
            if self._astral[mid] + mid < u16:
                lo = mid + 1
            else:
                hi = mid
        # lo astral characters start before u16; if the last of them covers u16 as its second unit,
        # u16 is inside a surrogate pair
        if lo and self._astral[lo - 1] + (lo - 1) + 1 == u16:
            return None
        return u16 - lo


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2
