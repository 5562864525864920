"""Snippets: the passage of a document that best shows why it matched, with the matched words marked.

Words are found by analysing the stored text with the index's own analyzer and keeping the character spans of
those whose term the query looked for, so the highlight falls on the word as the reader sees it ("Coopération")
even though the index only knows its stem ("cooper").
"""

from __future__ import annotations

from seekwire.analysis import ANALYZER, WORD

SNIPPET_CHARS = 200
# Only this much of a document is searched for a passage: enough for any article, bounded for a huge page.
SCAN_CHARS = 100_000


def match_spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` whose index term is one of `terms`."""
    if not terms:
        return []
    # The analyzer's memo is read here directly: a call per word was a third of the time of the snippets,
    # which are a fifth of a warm query's (10 hits of 3,000 characters on the OrangeSum articles).
    memo, term = ANALYZER.memo, ANALYZER.term
    spans = []
    for match in WORD.finditer(text):
        word = match.group()
        found = memo.get(word, memo)
        if (term(word) if found is memo else found) in terms:
            spans.append(match.span())
    return spans


def best_passage(text: str, terms: frozenset[str], width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """The window of about `width` characters with the most distinct matched words, cut at a sentence start
    when one is near, else at word boundaries.

    Returns the passage (with "…" where it was cut) and the spans of the matched words inside it.
    """
    text = " ".join(text[:SCAN_CHARS].split())
    spans = match_spans(text, terms)
    if len(text) <= width:
        return text, spans
    start = _best_start(text, spans, width) if spans else 0
    if start > 0:
        sentence = text.rfind(". ", max(0, start - width // 3), start)
        start = sentence + 2 if sentence >= 0 else _word_start(text, start)
    end = min(len(text), start + width)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + text[start:end] + suffix, inside


def _best_start(text: str, spans: list[tuple[int, int]], width: int) -> int:
    """Where the window covering the most distinct matched words begins (the earliest such window wins),
    with a little context kept before its first word. One sliding pass over the spans."""
    words = [ANALYZER.term(text[s:e]) for s, e in spans]
    inside: dict[str, int] = {}
    best, best_count, right = spans[0][0], 0, 0
    for left, (start, _) in enumerate(spans):
        while right < len(spans) and spans[right][1] <= start + width:
            inside[words[right]] = inside.get(words[right], 0) + 1
            right += 1
        if len(inside) > best_count:
            best, best_count = start, len(inside)
        if right > left:
            inside[words[left]] -= 1
            if not inside[words[left]]:
                del inside[words[left]]
        else:
            right = left + 1
    return max(0, best - width // 5)


def _word_start(text: str, index: int) -> int:
    space = text.rfind(" ", 0, index)
    return space + 1 if space >= 0 else 0
