"""Text that is safe to store and safe to print.

Strings reach seekwire from places that do not guarantee text: JSON escapes can hold lone surrogates
(`"\\ud800"`), file names and command-line arguments that are not UTF-8 arrive with their bytes smuggled in as
surrogates (Python's `surrogateescape`), and pages carry control characters, escape sequences, bidirectional
overrides and invisible characters. A lone surrogate cannot be encoded: stored in the index it would make every
later query that hits it fail. So everything is made encodable on the way in (`repair`, `os_text`), and every
human output goes through `printable`, which leaves nothing that could drive or reorder a terminal. JSON keeps the
stored text as it is.
"""

from __future__ import annotations

import re

# ECMA-48 escape sequences: CSI (colours, cursor moves), strings (OSC window titles...) ended by BEL or ST
# (or, when unterminated, cut at the end of the line), and two-character escapes.
# Their 8-bit forms are left to CONTROL: in text decoded as Latin-1 those bytes are more likely noise.
ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][^\x07\x1b\n]{0,1024}(?:\x07|\x1b\\)?"
                             r"|\x1b[@-Z\\-_]")
# C0 and C1 control characters but tab and newline.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters that are invisible inside a word and split it for a tokenizer: soft hyphen, zero-width space,
# non-joiner and joiner, word joiner, and the byte-order mark used as a zero-width no-break space.
INVISIBLE_CHARACTERS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
# Bidirectional marks, embeddings, overrides and isolates: printed, they reorder what the terminal shows.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SURROGATE = re.compile("[\ud800-\udfff]")
# Surrogates that stand for the bytes 0x80-0xff of a name that is not UTF-8 (surrogateescape).
ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def repair(text: str) -> str:
    """Text that can be encoded: each lone surrogate becomes U+FFFD, the replacement character."""
    return SURROGATE.sub("\ufffd", text)


def os_text(name: str) -> str:
    """A file name or argument as encodable text: bytes that were not UTF-8 are written `\\xNN`, as `ls -b`
    shows them, so the same name always gives the same text and a user can type it back."""
    return repair(ESCAPED_BYTE.sub(lambda match: f"\\x{ord(match.group()) - 0xDC00:02x}", name))


def without_controls(text: str) -> str:
    """Text without terminal escape sequences and invisible characters, other control characters (but tab and
    newline) as spaces.

    They are never part of an article, they split or glue words, and printed they can drive a terminal.
    """
    return CONTROL.sub(" ", INVISIBLE.sub("", ESCAPE_SEQUENCE.sub("", text)))


def printable(text: str) -> str:
    """One line of text safe to show a person: no control character, no bidirectional or invisible character,
    nothing that cannot be encoded."""
    return repair(BIDI.sub("", INVISIBLE.sub("", CONTROL.sub(" ", text))))
