from tsr_news.checks.jsonpointer import line_of, lines_of, parts, pointer

SOURCE = """{
  "a/b": {"x~y": [
      10,
      {"deep": "value"}
  ]},
  "list": [1, 2,
    3]
}"""


def test_pointer_escapes_tilde_and_slash_and_parts_reverses_it():
    ptr = pointer(["a/b", "x~y", 1, "deep"])
    assert ptr == "/a~1b/x~0y/1/deep"
    assert parts(ptr) == ["a/b", "x~y", "1", "deep"]
    assert pointer([]) == ""


def test_line_of_finds_the_line_where_a_nested_value_starts():
    assert line_of(SOURCE, "") == 1
    assert line_of(SOURCE, "/a~1b/x~0y/0") == 3
    assert line_of(SOURCE, "/a~1b/x~0y/1/deep") == 4
    assert line_of(SOURCE, "/list/2") == 7


def test_line_of_is_none_for_members_that_do_not_exist():
    assert line_of(SOURCE, "/missing") is None
    assert line_of(SOURCE, "/list/3") is None
    assert line_of(SOURCE, "/list/x") is None
    assert line_of(SOURCE, "/a~1b/x~0y/0/deeper") is None


def test_line_of_gives_up_quietly_on_malformed_json():
    assert line_of('{"a": [1, 2', "/a/5") is None


def test_lines_of_finds_many_pointers_in_one_walk_as_each_alone():
    """Looked up together (nested in one another, repeated, missing, in any order), every
    pointer gets the line it gets alone."""
    pointers = [
        "/list/2",
        "/a~1b/x~0y/1/deep",
        "",
        "/a~1b",
        "/a~1b/x~0y/1",
        "/missing",
        "/list/2",
        "/list/0",
        "/a~1b/x~0y/0/deeper",
    ]
    assert lines_of(SOURCE, pointers) == {p: line_of(SOURCE, p) for p in pointers}
    assert lines_of(SOURCE, pointers)["/a~1b/x~0y/1"] == 4
    assert lines_of(SOURCE, []) == {}


def test_lines_of_a_long_array_gives_each_element_its_own_line():
    source = "[\n" + ",\n".join(f'{{"i": {i}}}' for i in range(5000)) + "\n]"
    lines = lines_of(source, [f"/{i}/i" for i in reversed(range(5000))])
    assert lines == {f"/{i}/i": i + 2 for i in range(5000)}
