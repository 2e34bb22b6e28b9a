import pytest

from pbdocs.normalize import Normalized, fold_width, identity, is_cjk, normalize

CLAUSE = ("本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产党的组织，"
          "开展党的活动，为党组织的活动提供必要条件。")


@pytest.mark.parametrize(
    "original, expected",
    [
        ("本会\n坚持", "本会坚持"),
        ("本 会 坚 持", "本会坚持"),
        ("本会，\r\n  坚持", "本会,坚持"),
        ("ＡＢＣ１２３", "ABC123"),
        ("hello\nworld", "hello world"),
        ("第一条　本会", "第一条本会"),
        ("黨組織", "党组织"),
        ("  leading and trailing  ", "leading and trailing"),
        ("Party 党", "Party党"),
    ],
)
def test_normalize_text(original, expected):
    assert normalize(original).text == expected


@pytest.mark.parametrize(
    "original",
    [
        CLAUSE,
        CLAUSE.replace("，", ",\n"),
        " ".join(CLAUSE),
        CLAUSE[:30] + "\n\n— 2 —\n\n" + CLAUSE[30:],
        "（一）㈠①ＡＢ　黨的組織\t活動",
    ],
)
def test_every_normalized_char_maps_back_to_its_source(original):
    norm = normalize(original)
    assert len(norm.offsets) == len(norm.text) + 1
    assert list(norm.offsets) == sorted(norm.offsets)
    for i, ch in enumerate(norm.text):
        source = original[norm.offsets[i]]
        assert fold_width(source).text and (ch in normalize(source).text or ch == " " or ch == "\n")


def test_span_quotes_the_original_text_with_its_line_breaks():
    original = "第四条 本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共\n产党的组织。"
    norm = normalize(original)
    start = norm.text.index("设立中国共产党的组织")
    end = start + len("设立中国共产党的组织")
    assert norm.original_text(start, end) == "设立中国共\n产党的组织"


def test_span_of_an_expanded_character_covers_it_whole():
    norm = fold_width("㈠本会")
    assert norm.text == "(一)本会"
    assert norm.span(0, 3) == (0, 1)
    assert norm.span(3, 5) == (1, 3)


def test_keep_paragraphs_turns_blank_lines_into_one_newline():
    assert normalize("第一段。\n\n第二段。\n第三行", keep_paragraphs=True).text == "第一段。\n第二段。第三行"


def test_simplified_folding_is_optional():
    assert normalize("黨", simplified=False).text == "黨"


def test_empty_span_and_bounds():
    norm = identity("abc")
    assert norm.span(1, 1) == (1, 1)
    with pytest.raises(ValueError):
        norm.span(2, 5)
    with pytest.raises(ValueError):
        Normalized("ab", (0, 1), "ab")


@pytest.mark.parametrize("ch, expected", [("党", True), ("。", True), ("，", True), ("a", False), ("1", False)])
def test_is_cjk(ch, expected):
    assert is_cjk(ch) is expected


def test_public_extract_stays_a_function_after_submodules_load():
    import pbdocs
    import pbdocs.extract.html  # loading a submodule must not rebind the name

    assert callable(pbdocs.extract) and pbdocs.extract.__name__ == "extract"
