"""The sources a body lists: read from its list items, offered by the API beside the text, and
left out of what a search matches."""

from __future__ import annotations

from indexer.source.markup import to_html, to_text
from indexer.source.sourcelist import listed_sources, without_sources


def sources(body: str) -> list[dict]:
    return listed_sources(to_html(body))


def test_each_listed_address_with_what_it_supports():
    body = (
        "## Zdroje\n\n"
        "- https://coe-romact.org/a-b — the taskforce, *2017*\n"
        "* https://example.org/x_(y) – plan adopted.\n"
        "- https://example.org/plain.\n"
        "+ https://example.org/hyphen - a note after a hyphen\n"
        "- https://example.org/colon: a note after a colon\n"
        "- <https://example.org/angle> — an autolink\n"
        "- [The register](https://example.org/named) — a named link\n"
        "- A document held by the library, not online\n"
        "- see https://example.org/inside — not a source line\n"
        "- mailto:someone@example.org — not a web page\n"
        "- https://coe-romact.org/a-b — listed twice\n"
    )
    assert sources(body) == [
        {"url": "https://coe-romact.org/a-b", "supports": "the taskforce, 2017"},
        {"url": "https://example.org/x_(y)", "supports": "plan adopted."},
        {"url": "https://example.org/plain", "supports": ""},
        {"url": "https://example.org/hyphen", "supports": "a note after a hyphen"},
        {"url": "https://example.org/colon", "supports": "a note after a colon"},
        {"url": "https://example.org/angle", "supports": "an autolink"},
        {"url": "https://example.org/named", "supports": "a named link"},
    ]


def test_the_address_is_the_link_the_page_shows():
    body = (
        "- https://example.org/a) — x\n"
        "- https://example.org/page! — y\n"
        "- https://e.org/?a=1&b=2 — z\n"
    )
    html = to_html(body)
    assert [s["url"] for s in listed_sources(html)] == [
        "https://example.org/a",
        "https://example.org/page",
        "https://e.org/?a=1&b=2",
    ]
    assert 'href="https://e.org/?a=1&amp;b=2"' in html


def test_code_comments_and_markup_give_no_source_and_notes_are_plain_text():
    body = (
        "```\n- https://example.org/fenced — x\n```\n\n"
        "<!--\n- https://example.org/comment — x\n-->\n\n"
        "    - https://example.org/indented — x\n\n"
        '- https://example.org/x"><script>alert(1)</script> — h\n'
        "- https://example.org/y — <img src=x onerror=alert(1)> and <b>the plan</b>\n"
    )
    found = sources(body)
    assert found == [
        {"url": "https://example.org/x", "supports": '"> — h'},  # plain text, no tag
        {"url": "https://example.org/y", "supports": "and the plan"},
    ]


def test_a_body_without_a_list_of_addresses_lists_no_sources():
    assert sources("Text with https://example.org in a sentence.\n\n- a point\n") == []


def test_a_nested_list_ends_the_note():
    body = "- https://example.org/a — the plan\n    - https://example.org/b — its annex\n"
    assert sources(body) == [
        {"url": "https://example.org/a", "supports": "the plan"},
        {"url": "https://example.org/b", "supports": "its annex"},
    ]


def test_the_api_gives_the_sources_and_the_page_links_them(client):
    data = client.get("/api/documents/good/housing-karvina?language=en").get_json()
    assert data["sources"] == [
        {
            "url": "https://example.org/karvina",
            "supports": "the local action plan and its two priorities",
        },
        {"url": "https://example.org/karvina/results", "supports": "families rehoused in 2012"},
    ]
    assert client.get("/api/documents/good/housing-karvina?language=cs").get_json()["sources"] == []
    html = client.get("/en/resources/good/housing-karvina?language=en").get_data(as_text=True)
    assert '<a href="https://example.org/karvina/results"' in html


def test_the_indexed_text_leaves_out_the_source_lines_and_keeps_the_rest():
    body = (
        "The plan was adopted.\n\n- a point of the plan\n- [a practice](/en/resources/x)\n\n"
        "## Sources\n\n"
        '- https://example.org/a — Antonovo figures — found with: "Antonovo 5938"\n'
        "- A document held by the library, not online\n"
        "- mailto:someone@example.org — not a web page\n"
    )
    text = to_text(without_sources(to_html(body)))
    assert "Antonovo" not in text and "example.org/a" not in text
    for kept in (
        "The plan was adopted.",
        "a point of the plan",
        "a practice",
        "A document held by the library",
        "mailto:someone@example.org",
    ):
        assert kept in text
    assert to_text(without_sources(to_html("No list here."))) == "No list here."


def test_a_word_only_in_a_source_note_does_not_find_the_record(client):
    def found(q):
        data = client.get("/api/search", query_string={"q": q, "language": "en"}).get_json()
        return [r["id"] for r in data["results"]]

    # "rehoused" is only in a note of the sources list; the note stays in the API's sources
    assert "good/housing-karvina" not in found("rehoused")
    document = client.get("/api/documents/good/housing-karvina?language=en").get_json()
    assert document["sources"][1]["supports"] == "families rehoused in 2012"
    assert "rehoused" not in document["text"]
    # the record's own text, and a list item that is not a link to a web page, still match
    assert "good/housing-karvina" in found("priority")
    assert "good/housing-karvina" in found("minutes")
