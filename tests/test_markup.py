"""Contributed Markdown is rendered and sanitised: nothing that could run survives."""

from __future__ import annotations

import re

import pytest

from indexer.source.markup import to_html, to_text


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ("<script>alert(1)</script>", "alert(1)"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[x](javascript:alert(1))", "javascript:"),
        ("[x](JaVaScRiPt:alert(1))", "alert"),
        ('<a href="data:text/html,<script>">x</a>', "data:"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<div style="background:url(x)">x</div>', "style="),
        ('<svg onload="alert(1)"></svg>', "onload"),
        ('<form action="https://evil.example"><input></form>', "<form"),
    ],
)
def test_dangerous_markup_is_removed(source, forbidden):
    assert forbidden.lower() not in to_html(source).lower()


@pytest.mark.parametrize(
    "source",
    [
        '## Title {onclick="alert(1)"}',
        '<b onmouseover="alert(1)">x</b>',
        "<p ONCLICK=alert(1)>x</p>",
    ],
)
def test_no_element_keeps_an_event_handler(source):
    assert not re.search(r"<[^>]*\\son\\w+\\s*=", to_html(source), re.IGNORECASE)


def test_useful_markup_survives():
    html = to_html(
        "## Housing\n\nText with **bold**, a [link](https://example.org) and a note.[^1]\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: The note.\n"
    )
    assert '<h2 id="c-housing">Housing</h2>' in html
    assert "<strong>bold</strong>" in html and "<table>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow ugc"' in html
    assert 'class="footnote"' in html


def test_heading_ids_cannot_clash_with_page_ids():
    assert 'id="c-main"' in to_html("# main")


def test_plain_text_for_indexing():
    assert to_text(to_html("## Title\n\nOne *two* &amp; three.")) == "Title One two & three."


def test_bare_addresses_in_a_sources_list_become_links():
    html = to_html(
        "## Sources\n\n- https://coe-romact.org/news/a_b?x=1&y=2 — the launch, EUR 1,300\n"
        "- See https://example.org/page. Or (https://example.org/q), and `https://example.org/c`"
        " and [named](https://example.org/n).\n"
        "- https://eur-lex.europa.eu/?uri=CELEX:32021H0319(01) — the text; https://x.org/."
        " (see https://de.wikipedia.org/wiki/Lomnička_(Slowakei)).\n"
    )
    links = re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', html)
    assert links == [
        (
            "https://coe-romact.org/news/a_b?x=1&amp;y=2",
            "https://coe-romact.org/news/a_b?x=1&amp;y=2",
        ),
        ("https://example.org/page", "https://example.org/page"),
        ("https://example.org/q", "https://example.org/q"),
        ("https://example.org/n", "named"),
        ("https://eur-lex.europa.eu/?uri=CELEX:32021H0319(01)",) * 2,
        ("https://x.org/",) * 2,
        ("https://de.wikipedia.org/wiki/Lomnička_(Slowakei)",) * 2,
    ]
    assert "<code>https://example.org/c</code>" in html and "</a> — the launch" in html
    assert "and https://example.org/c and named. https://eur-lex" in to_text(html)
    assert "(Slowakei)</a>).</li>" in html


def test_escapes_entities_and_raw_html_around_bare_addresses():
    assert 'href="https://example.org/a_b_c"' in to_html("https://example.org/a\\_b\\_c end")
    partial = to_html("x https://example.org/?a=1&amp;b=2 y")  # runs into an entity
    assert "<a " not in partial and "https://example.org/?a=1&amp;b=2" in partial
    own = to_html('see <a href="https://example.org/x">https://example.org/y</a>, https://z.org')
    assert re.findall(r'href="([^"]*)"', own) == ["https://example.org/x", "https://z.org"]
    assert ">https://example.org/y</a>" in own
    for address in ("Https://mixed.example/a", "HTTP://UPPER.example/b"):  # any case, alone
        assert re.findall(r'href="([^"]*)"', to_html(f"See {address}.")) == [address]
    coded = to_html("<code>https://c.example</code> and ```\nhttps://d.example\n```")
    assert "href" not in coded
    fenced = to_html("```\nhttps://fenced.example\n```\n\nThen https://after.example.")
    assert re.findall(r'href="([^"]*)"', fenced) == ["https://after.example"]


def test_one_renderer_per_thread_carries_nothing_from_one_document_to_the_next():
    first = to_html("# Aims\n\nA claim.[^1]\n\n[^1]: A source.\n\n# Aims\n")
    second = to_html("# Aims\n\nNo notes here.\n")
    assert 'class="footnote"' in first and 'id="c-aims_1"' in first
    assert "footnote" not in second and "A source" not in second
    assert 'id="c-aims"' in second and "c-aims_1" not in second


TRICKY = [
    "Plain words, nothing else.\nA second line.",
    "Two spaces end this line  \nso a break follows.",
    "A `code span`, ``double `ticks` ``, and \\`escaped\\` ones.",
    "Escapes: \\*not emphasis\\*, \\_nor this\\_, \\[no link\\].",
    "*em* **strong** ***both*** _under_ __double__ snake_case_word 2 * 3 * 4",
    "[a link](https://example.org) [ref][r] [r] ![image](x.png) ![ref][r]\n\n[r]: https://e.org",
    "<https://example.org/a?b=c> <someone@example.org> <b>raw</b> &amp; &#169; &copy; AT&T",
    "A footnote.[^1] And [^note].\n\n[^1]: One.\n[^note]: Two.",
    "# Heading *em*\n\n| a | b |\n|---|---|\n| `c` | [d](e) |\n\n```\n*not* [parsed]\n```",
    "Underlined\n==========\n\nAnd this\n---\n\nText - with - dashes\nand = signs",
    "> quoted\n> more\n\nnot > quoted\n\n## Two ##\n\nC# and #hash not headings\n\n***\n\n- a\n- b",
]


def test_skipping_patterns_a_text_cannot_match_renders_the_same():
    """The renderer skips an inline pattern for a text without the pattern's first characters;
    the shipped library and tricky samples render exactly as without that shortcut."""
    from pathlib import Path

    from indexer.source.markup import new_renderer

    content = Path(__file__).resolve().parent.parent / "content"
    texts = [*TRICKY, *(p.read_text("utf-8") for p in sorted(content.rglob("*.md")))]
    guarded, plain = new_renderer(), new_renderer(guarded=False)
    assert len(texts) > 300
    for text in texts:
        assert guarded.reset().convert(text) == plain.reset().convert(text), text[:80]
    rendered = guarded.reset().convert(TRICKY[4])
    assert "<em>em</em>" in rendered and "<strong>strong</strong>" in rendered


def test_plain_text_cuts_tags_as_a_parser_would():
    import html

    import nh3

    from indexer.source.markup import _SPACE

    def parsed(safe: str) -> str:  # what a parse of the HTML gives, for comparison
        spaced = re.sub(r"<(/?)(p|h\d|li|tr|br|div|pre)\b", r" <\1\2", safe)
        return _SPACE.sub(" ", html.unescape(nh3.clean(spaced, tags=set()))).strip()

    samples = [
        *TRICKY,
        '[t](https://e.org "a > b, \'c\' & \\"d\\"") 1 < 2 &amp;amp; <!-- c --> <b>x</b>',
        "x <script>alert(1)</script> y <style>p{}</style> z",
        "<table><tr><td>a</td><td>b</td></tr></table><p>one</p><p>two</p>",
    ]
    for sample in samples:
        safe = to_html(sample)
        assert to_text(safe) == parsed(safe), sample
    assert to_text(to_html("<p>one</p><p>two</p>")) == "one two"
