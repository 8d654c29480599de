from tsr_news.checks.jsonpointer import line_of, parts, pointer

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
