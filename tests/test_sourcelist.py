"""The sources a body lists: read from its list items, offered by the API beside the text."""

from __future__ import annotations

from indexer.source.sourcelist import listed_sources


def test_each_listed_address_with_what_it_supports():
    body = (
        "## Zdroje\n\n"
        "- https://coe-romact.org/a-b — the taskforce, 2017\n"
        "* https://example.org/x_(y) – plan adopted.\n"
        "- https://example.org/plain.\n"
        "+ https://example.org/hyphen - a note after a hyphen\n"
        "- A document held by the library, not online\n"
        "- see https://example.org/inside — not a source line\n"
        "    - https://example.org/code — an indented code block\n"
        "- https://coe-romact.org/a-b — listed twice\n"
    )
    assert listed_sources(body) == [
        {"url": "https://coe-romact.org/a-b", "supports": "the taskforce, 2017"},
        {"url": "https://example.org/x_(y)", "supports": "plan adopted."},
        {"url": "https://example.org/plain", "supports": ""},
        {"url": "https://example.org/hyphen", "supports": "a note after a hyphen"},
    ]


def test_a_body_without_a_list_of_addresses_lists_no_sources():
    assert listed_sources("Text with https://example.org in a sentence.\n\n- a point\n") == []


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
