"""`handbook check`: every kind of bad YAML is reported with its path and line, in one run."""

from __future__ import annotations

from conftest import FIXTURES, ROOT

from builder.cli.main import main
from builder.core.check import check

BAD = FIXTURES / "bad_content"
GOOD = FIXTURES / "good_content"
GOOD_FORMS = FIXTURES / "good_forms"


def test_good_fixture_is_clean():
    content, problems = check(GOOD, GOOD_FORMS)
    assert problems == []
    assert {i.kind for i in content} == {"role", "procedure", "fact", "etiquette", "policy", "legal", "case"}


def test_every_bad_file_reported_with_line_in_one_run(capsys):
    code = main(["check", "--content", str(BAD), "--forms", str(GOOD_FORMS)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    expected = [
        "bad_content/roles/broken-syntax.yaml:4: (yaml): YAML syntax error",
        "bad_content/facts/missing-answer.yaml:1: answer: required field is missing",
        "bad_content/procedures/wrong-type.yaml:4: steps: Input should be a valid list",
        "bad_content/procedures/unknown-ref.yaml:6: steps[0].form: unknown form id 'no-such-form'",
        "bad_content/procedures/unknown-ref.yaml:7: related[0]: unknown item id 'no-such-item'",
        "bad_content/roles/qiantai.yaml:1: id: duplicate id 'qiantai' (also bad_content/facts/qiantai.yaml)",
        "bad_content/policies/bad-tag.yaml:2: tags[0]: unknown tag 'no-such-tag'",
    ]
    for prefix in expected:
        assert any(line.startswith(prefix) for line in out), f"not reported: {prefix}\n" + "\n".join(out)


def test_good_content_exits_zero(capsys):
    assert main(["check", "--content", str(GOOD), "--forms", str(GOOD_FORMS)]) == 0


def test_real_content_passes_check():
    content, problems = check(ROOT / "content", ROOT / "forms")
    assert [str(p) for p in problems] == []
    assert len(content.items) > 0


def test_outline_with_body_and_sourced_without_source_refused(tmp_path):
    import shutil

    root = tmp_path / "content"
    shutil.copytree(GOOD, root)
    (root / "policies" / "yaoshi.yaml").write_text(
        "title: 钥匙管理制度\nstatus: outline\nsource:\n  - {manual: M06, section: 目录}\nrules: [钥匙登记]\n", encoding="utf-8")
    (root / "facts" / "ling-xiang.yaml").write_text(
        "title: 铃响\nquestion: 几声?\nanswer: 三声\n", encoding="utf-8")
    _, problems = check(root, None)
    text = "\n".join(map(str, problems))
    assert "policies/yaoshi.yaml:1" in text and "outline" in text
    assert "facts/ling-xiang.yaml:1" in text and "needs 'source'" in text


def _forms_copy(tmp_path):
    import shutil

    from conftest import FIXTURES

    dst = tmp_path / "forms"
    shutil.copytree(FIXTURES / "good_forms", dst)
    return dst


def test_a_bad_field_in_the_shared_library_names_its_own_line(tmp_path):
    from builder.core.formspec import load_forms

    forms = _forms_copy(tmp_path)
    lib = forms / "fields.yaml"
    lines = lib.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "name: phone," in line)
    lines[at] = lines[at].replace("type: phone", "type: telephone")
    lib.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = load_forms(forms)
    mine = [p for p in problems if p.path.endswith("fields.yaml")]
    assert mine and all(p.line == at + 1 for p in mine), [str(p) for p in problems]
    assert [p.key.split(".")[-1] for p in mine] == ["type"], [str(p) for p in mine]


def test_every_bad_layout_block_is_reported_at_its_line(tmp_path):
    from builder.core.formspec import load_forms

    forms = _forms_copy(tmp_path)
    path = forms / "yezhu-baoxiu-dan" / "form.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - {block: table, field: materials}", "  - {block: table, field: no_such_table}")
    text = text.replace("fields: [description], columns: 1}", "fields: [no_such_field], columns: 1}")
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    _, problems = load_forms(forms)
    layout = sorted((p.line, p.key) for p in problems if "layout" in p.key)
    want = sorted((i + 1, key) for i, line in enumerate(lines)
                  for needle, key in (("no_such_table", "layout[3]"), ("no_such_field", "layout[2]")) if needle in line)
    assert layout == want, [str(p) for p in problems]


def test_an_impossible_date_is_a_problem_not_a_traceback(tmp_path):
    """ruamel raises a bare ValueError for 2027-13-01 while reading; check names the file instead."""
    import shutil

    from conftest import FIXTURES

    from builder.core.load import load_content

    shutil.copytree(FIXTURES / "good_content", tmp_path / "content")
    with (tmp_path / "content" / "cases" / "tingche.yaml").open("a", encoding="utf-8") as f:
        f.write("approved_on: 2027-13-01\n")
    _, problems = load_content(tmp_path / "content")
    assert [(p.path.endswith("tingche.yaml"), p.key) for p in problems] == [(True, "(yaml)")]
    assert "month must be in 1..12" in problems[0].message
