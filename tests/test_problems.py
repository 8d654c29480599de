import json

from tsr_news.checks.problems import Problem, render

PROBLEM = Problem(
    "annotations/x.json", 12, "/layers/entities/items/0", "span-text", "bad, very: bad"
)


def test_text_line_is_path_line_pointer_message_and_code():
    assert PROBLEM.as_text() == (
        "annotations/x.json:12: /layers/entities/items/0: bad, very: bad [span-text]"
    )
    whole_file = Problem("raw/x.txt", None, "", "utf8-invalid", "not UTF-8")
    assert whole_file.as_text() == "raw/x.txt: /: not UTF-8 [utf8-invalid]"


def test_github_annotation_escapes_properties_and_data():
    tricky = Problem("a,b:c.json", 3, "/x", "code", "line one\nline two 100%")
    assert tricky.as_github() == (
        "::error file=a%2Cb%3Ac.json,line=3,title=tsr-news code::/x: line one%0Aline two 100%25"
    )


def test_json_report_carries_summary_verdict_and_every_field():
    body = json.loads(render([PROBLEM], "json", {"documents": 1, "files": 2}))
    assert body["valid"] is False
    assert body["documents"] == 1
    assert body["problems"] == [
        {
            "path": "annotations/x.json",
            "line": 12,
            "pointer": "/layers/entities/items/0",
            "code": "span-text",
            "message": "bad, very: bad",
        }
    ]
    assert json.loads(render([], "json", {}))["valid"] is True
