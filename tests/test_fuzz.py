"""No input, however hostile, makes `check` raise or hang: random and mutated YAML through it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubgen.errors import Problem
from hubgen.load import load_text
from hubgen.validate import check_project
from tests.conftest import FIXTURES, make_hub

SEED = (FIXTURES / "tiny/content/webinars/dated-webinar.yml").read_text()
YAML_BITS = st.sampled_from([":", "- ", "[", "]", "{", "}", "&a", "*a", "!!python/object", "\t", "\n",
                             "  ", "'", '"', "#", "---", "|", ">", "? ", "NO", "012", "12:30", "~",
                             "\ufeff", "\x00", "é", "%YAML 1.1", "<<: *a"])


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = SEED
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(YAML_BITS) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
    return text


@settings(max_examples=300, deadline=None)
@given(st.one_of(mutated(), st.text(max_size=300)))
def test_loader_never_raises(text: str) -> None:
    doc, problems = load_text(text, "content/webinars/fuzz.yml")
    assert all(isinstance(p, Problem) and p.line >= 0 for p in problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated())
def test_check_reports_problems_never_raises(tmp_path_factory, text: str) -> None:
    project = make_hub(tmp_path_factory.mktemp("fuzz"), FIXTURES / "tiny/content")
    (project.content / "webinars/dated-webinar.yml").write_text(text, encoding="utf-8",
                                                                errors="surrogatepass")
    hub, problems = check_project(project)
    assert (hub is None) == bool(problems)
    for problem in problems:
        assert problem.path.startswith("content/")
        assert str(problem).count(":") >= 1


def test_alias_bomb_is_refused_at_once() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    assert len(bomb) < 600
    _, problems = load_text(bomb, "content/tools/bomb.yml")
    assert [str(p) for p in problems] == [
        "content/tools/bomb.yml:1:4: anchors (`&a`) are not allowed; "
        "write the value out in full where it is needed"]


