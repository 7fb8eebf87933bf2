"""No input, however hostile, makes `check` raise or hang: random and mutated YAML through it."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubgen.errors import Problem
from hubgen.load import load_text
from hubgen.safety import markdown_problems
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




# The rendered-HTML safety rule against known XSS vectors (written here: nothing is downloaded)

XSS_VECTORS = [
    '<script>alert(1)</script>',
    '<SCRIPT SRC=https://example.org/x.js></SCRIPT>',
    '<scr<script>ipt>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<IMG SRC="javascript:alert(\'XSS\');">',
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<IMG SRC=`javascript:alert("RSnake says, \'XSS\'")`>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#39;&#41;>',
    '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x27&#x29>',
    '<IMG SRC="jav\tascript:alert(\'XSS\');">',
    '<IMG SRC="jav&#x0A;ascript:alert(\'XSS\');">',
    '<IMG SRC=" &#14;  javascript:alert(\'XSS\');">',
    '<a href="&#1;javascript:alert(1)">x</a>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<svg/onload=alert(1)>',
    '<svg><script>alert(1)</script></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<input onfocus=alert(1) autofocus>',
    '<details open ontoggle=alert(1)>',
    '<video><source onerror="alert(1)"></video>',
    '<audio src=x onerror=alert(1)>',
    '<body background="javascript:alert(1)">',
    '<link rel=stylesheet href="https://example.org/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://example.org/">',
    "<style>@import 'https://example.org/x.css';</style>",
    '<div style="background-image: url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<![CDATA[<script>alert(1)</script>]]>',
    '<template><img src=x onerror=alert(1)></template>',
    '<xmp><img src=x onerror=alert(1)></xmp>',
    '<textarea><img src=x onerror=alert(1)></textarea>',
    '<title><img src=x onerror=alert(1)></title>',
    '<plaintext><img src=x onerror=alert(1)>',
    '<isindex type=image src=1 onerror=alert(1)>',
    '<table background="javascript:alert(1)"></table>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '[x](javascript:alert(1))',
    '[x](JAVASCRIPT:alert(1))',
    '[x]( javascript:alert(1) )',
    '[x](<javascript:alert(1)>)',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '![x](javascript:alert(1))',
    '[x][r]\n\n[r]: javascript:alert(1)',
    '[r]: javascript:alert(1) "t"',
    '<javascript:alert(1)>',
    'Text\n{: onclick="alert(1)" }',
    '[x](https://example.org){: onmouseover="alert(1)" }',
    '<div markdown>\n<img src=x onerror=alert(1)>\n</div>',
    '<span>a</span><script>alert(1)</script>',
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    '<img src="https://example.org/track.gif">',
    '<!--><script>alert(1)</script>-->',
    '<? foo="><script>alert(1)</script>">',
    '<!DOCTYPE x><script>alert(1)</script>',
    '<a href="//example.org/%0Ajavascript:alert(1)">x</a>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style><img onerror=alert(1) src>">',
    '<svg><path d="M0" onclick="alert(1)"/></svg>',
    '<path onclick="alert(1)">x</path>',
    '<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>',
    '<svg><use href="https://example.org/i.svg#x"/></svg>',
    '<div style="background:url(https://example.org/x)">x</div>',
]
WRAPPERS = ["{}", "Before {} after.", "- {}", "> {}", "| a |\n|---|\n| {} |", "!!! note\n    {}", "*{}*", "[{}](https://example.org)"]
_DANGER = re.compile(r"<(script|iframe|object|embed|svg|math|style|link|meta|base|form|template|noscript|xmp|"
                     r"plaintext|textarea|title|video|audio|source|input|button|body)\b", re.I)
# an `<svg>` that only draws, as Material's icons do, is no danger; `style` only as a width or alignment
_ICON = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="[\d. ]+">(?:<!--[^<>]*-->)?'
                   r'(?:<path d="[\w\s,.+-]*"(?: style="fill-opacity: ?[\d.]+")?></path>)+</svg>')
_STYLE = re.compile(r'\sstyle="(?!width: ?[\d.]+%"|text-align: (?:left|right|center);?")')
_HANDLER = re.compile(r"<[a-z][^<>]*\son[a-z]+=", re.I)
_URL_ATTRIBUTE = re.compile(r"\s(href|src|srcset|action|formaction|background|data|poster|xlink:href)=\"([^\"]*)\"", re.I)


def _inert(text: str) -> bool:
    """True when `text` renders to HTML with nothing that could run script or load from elsewhere,
    read as html5ever parses it (an independent reading, by patterns, of what the rule allowed)."""
    from hubgen.safety import _as_parsed, _renderer

    renderer = _renderer()
    renderer.reset()
    parsed = _ICON.sub("", _as_parsed(renderer.convert(text)))
    if _DANGER.search(parsed) or _HANDLER.search(parsed) or _STYLE.search(parsed):
        return False
    for name, value in _URL_ATTRIBUTE.findall(parsed):
        bare = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", bare)
        if scheme and scheme[1] not in ("https", "mailto"):
            return False
        if name.lower() != "href" and (scheme or bare.startswith("//")):
            return False
    return True


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_every_known_xss_vector_is_refused_or_inert(vector: str) -> None:
    for wrapper in WRAPPERS:
        text = wrapper.format(vector)
        assert markdown_problems(text) or _inert(text), text


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.sampled_from(XSS_VECTORS), st.sampled_from(WRAPPERS),
                          st.text(alphabet="<>\"'`=/[]()!&#;:{}\n x-aj", max_size=12)), min_size=1, max_size=4))
def test_mixed_xss_vectors_are_refused_or_inert(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert markdown_problems(text) or _inert(text), text
