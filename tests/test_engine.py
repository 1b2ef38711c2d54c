"""The array search engine and the parallel writer, checked against Whoosh's own readers and
against plain Python: posting lists, field lengths, BM25F scores, facet counts in resources,
segments written by worker processes, and the manifest of incremental builds."""

from __future__ import annotations

import io
import multiprocessing
import os
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import Phrase, Term

from indexer.writing import blocks, manifest, segments, store
from indexer.writing import reading as reading_module
from indexer.writing import writer as writer_module
from indexer.writing.build import build
from indexer.writing.codec import BLOCK_POSTINGS, CompactPositions, Counts, codec, varints
from indexer.writing.schema import body_field, build_schema, kinds_of, spell_field, title_field
from library.search import postings
from library.search.service import SearchService
from library.search.snapshot import Snapshot
from library.search.snippets import snippet

QUIET = {"say": lambda _: None}
WORDS = "roma school housing health mediator town plan family work grant".split()


def _body(kind: str) -> TEXT:
    """A text field with Whoosh's positions, the codec's compact positions or counts only."""
    field = TEXT(stored=True, phrase=True)
    if kind == "compact":
        field.format = CompactPositions()
    elif kind == "counts":
        field.format = Counts()
    return field


@pytest.fixture(scope="module", params=["whoosh", "compact", "counts"])
def synthetic(tmp_path_factory, request) -> Path:
    """1,500 documents in three segments (one with deletions), long posting lists included;
    the body field in each of the formats the reader must know."""
    folder = tmp_path_factory.mktemp("synthetic")
    schema = Schema(
        id=ID(stored=True, unique=True),
        docid=ID(stored=True, sortable=True),  # two language versions per resource
        body=_body(request.param),
        tag=KEYWORD(stored=True, commas=True, scorable=False),
        note=STORED(),
    )
    ix = whoosh_index.create_in(str(folder), schema)
    rng = random.Random(3)
    number = 0
    for _ in range(3):
        writer = ix.writer(codec=codec())
        for _ in range(500):
            words = [rng.choice(WORDS) for _ in range(rng.randint(1, 40))]
            tags = ",".join(rng.sample(["a", "b", "c", "d"], rng.randint(0, 2)))
            writer.add_document(
                id=str(number), docid=str(number // 2), body=" ".join(words), tag=tags, note=number
            )
            number += 1
        writer.commit(merge=False)
    writer = ix.writer(codec=codec())
    for gone in range(0, 1500, 7):
        writer.delete_by_term("id", str(gone))
    writer.commit(merge=False)
    return folder


def test_postings_match_whoosh_matchers_in_every_segment(synthetic):
    ix = whoosh_index.open_dir(str(synthetic))
    with ix.reader() as reader:
        leaves = reader.leaf_readers()
        assert len(leaves) == 3
        for leaf, _ in leaves:
            format_ = leaf.schema["body"].format
            has_positions = format_.supports("positions")
            for word in WORDS[:5]:
                ids, weights, found = postings.read_postings(
                    leaf, "body", word.encode(), positions=has_positions
                )
                matcher = leaf._terms.matcher("body", word.encode(), format_)
                expected = list(matcher.all_items())
                assert ids.tolist() == [d for d, _ in expected]
                assert len(ids) > 128  # more than one block of Whoosh's default size
                if has_positions:
                    wanted = [format_.decode_positions(v) for _, v in expected]
                    assert [found[i] for i in range(len(ids))] == wanted
                    assert all(wanted) and max(len(p) for p in wanted) > 1
                else:
                    assert found is None
                again = leaf._terms.matcher("body", word.encode(), format_)
                assert np.allclose(weights, [again.weight() for _ in again.all_ids()] or [])
                assert weights.max() > 1  # frequencies, not mere presence
            assert postings.read_postings(leaf, "body", b"absent") is None


def test_field_lengths_match_whoosh(synthetic):
    ix = whoosh_index.open_dir(str(synthetic))
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            lengths = postings.lengths_of(postings.field_length_codes(leaf, "body"))
            expected = [leaf.doc_field_length(d, "body", 1) for d in range(leaf.doc_count_all())]
            assert lengths.tolist() == expected


def test_phrases_match_whoosh_phrase_query(synthetic):
    snap = Snapshot(synthetic)
    if not snap.ix.schema["body"].format.supports("positions"):
        return  # counts only: no phrase can be asked of this field
    for first, second in (("roma", "school"), ("plan", "grant"), ("town", "town")):
        with snap.ix.searcher() as searcher:
            expected = {
                h.docnum for h in searcher.search(Phrase("body", [first, second]), limit=None)
            }
        candidates = np.arange(snap.size)
        at = snap.positions("body", first, candidates)
        then = snap.positions("body", second, candidates)
        found = {
            d
            for d, places in at.items()
            if snap.live[d] and set(places) & {p - 1 for p in then.get(d, ())}
        }
        assert found == expected and expected


def test_compact_blocks_are_smaller_than_whoosh_blocks(tmp_path):
    sizes = {}
    rng = random.Random(5)
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 200))) for _ in range(800)]
    for kind in ("whoosh", "compact", "counts"):
        folder = tmp_path / kind
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), Schema(body=_body(kind)))
        writer = ix.writer(codec=codec(), compound=False)
        for text in texts:
            writer.add_document(body=text)
        writer.commit()
        sizes[kind] = sum(f.stat().st_size for f in folder.glob("*.pst"))
    assert sizes["compact"] < 0.6 * sizes["whoosh"]
    assert sizes["counts"] < 0.5 * sizes["compact"]


@pytest.mark.parametrize(
    "numbers", [[0], [127, 128, 129], [0, 1, 300, 16384, 2**31 + 7], list(range(0, 5000, 37))]
)
def test_varints_decode_what_positions_encode(numbers):
    value = CompactPositions().encode(numbers)
    assert CompactPositions().decode_positions(value) == numbers
    gaps = varints(value)
    assert gaps[0] == len(numbers) and np.cumsum(gaps[1:]).tolist() == numbers


def test_scores_equal_whoosh_bm25f_and_skip_deleted_documents(synthetic):
    snap = Snapshot(synthetic)
    for word in ("roma", "grant"):
        ids, scores = snap.scored("body", word)
        with snap.ix.searcher() as searcher:
            results = searcher.search(Term("body", word), limit=None)
            expected = {hit.docnum: hit.score for hit in results}
        assert set(ids.tolist()) == set(expected)
        for doc, score in zip(ids.tolist(), scores.tolist(), strict=True):
            assert score == pytest.approx(expected[doc], rel=1e-5)
    assert not snap.live[0] and snap.live[1]


def test_facet_counts_are_distinct_resources(synthetic):
    snap = Snapshot(synthetic)
    table = snap.facet("tag")
    rng = np.random.default_rng(1)
    selected = rng.random(snap.size) < 0.4
    counts = table.resource_counts(selected & snap.live)
    for i, value in enumerate(table.values):
        expected = set()
        for doc in range(snap.size):
            stored = snap.stored(doc) if snap.live[doc] and selected[doc] else None
            if stored and value in stored["tag"].split(","):
                expected.add(snap.resource[doc])
        assert counts[i] == len(expected)


def _copy_content(tmp_path: Path, fixture_content: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(fixture_content, target)
    return target


def _search_everything(index_dir: Path) -> dict[str, list[tuple[str, str]]]:
    service = SearchService(index_dir)
    snap = service.snapshot()
    found = {}
    for word in ("roma", "housing", "bydlení", "училище", "iskola", "sopot", "norway"):
        ids, scores = snap.scored("all", word)
        found[word] = sorted(
            (snap.docids[d], f"{s:.5f}") for d, s in zip(ids.tolist(), scores, strict=True)
        )
    return found


def _library_documents(count: int) -> list[dict]:
    """Documents of the library's own schema in three languages, common words included (so
    that some terms need several blocks of postings)."""
    rng = random.Random(11)
    words = {
        "en": "roma school housing health mediators town plan families work grants".split(),
        "cs": "romské děti škola bydlení zdraví asistenti město plán rodiny práce".split(),
        "bg": "ромите училище жилища здраве медиатори община план семейства работа".split(),
    }
    found = []
    for number in range(count):
        lang = ("en", "cs", "bg")[number % 3]
        title = " ".join(rng.choice(words[lang]) for _ in range(rng.randint(2, 6)))
        body = " ".join(rng.choice(words[lang]) for _ in range(rng.randint(5, 300)))
        doc = {
            "path": f"{lang}/{number}.md",
            "key": f"r{number}",
            "docid": f"r{number // 2}",
            "title": title,
            "text": body,
            "all": (title, body),
            "theme": ",".join(rng.sample(["housing", "education", "health"], rng.randint(0, 2))),
            "date_desc": f"{2000 + number % 20}",
        }
        for kind in kinds_of(lang):
            doc[title_field(kind, lang)] = title
            doc[body_field(kind, lang)] = body
        doc[spell_field(lang)] = (title, body)
        found.append(doc)
    return found


def _all_postings(folder: Path) -> dict:
    ix = whoosh_index.open_dir(str(folder))
    found = {}
    with ix.reader() as reader:
        ((leaf, _),) = reader.leaf_readers()
        for (fieldname, btext), info in leaf._terms.items():
            matcher = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
            items = [(d, v) for d, v in matcher.all_items()]
            again = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
            weights = [again.weight() for _ in again.all_ids()]
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length())
            found[fieldname, btext] = (items, weights, stats, info.max_weight())
        lengths = {
            name: [leaf.doc_field_length(d, name, 0) for d in range(leaf.doc_count_all())]
            for name in leaf.schema.scorable_names()
        }
        stored = list(leaf.all_stored_fields())
        columns = list(leaf.column_reader("date_desc"))
    return {"postings": found, "lengths": lengths, "stored": stored, "columns": columns}


def test_array_segment_writer_writes_what_whoosh_writes(tmp_path):
    documents = _library_documents(1300)
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for folder in (ours, theirs):
        folder.mkdir()
        whoosh_index.create_in(str(folder), build_schema())
    writer = segments.SegmentWriter(whoosh_index.open_dir(str(ours)), codec())
    for doc in documents:
        writer.add_document(**doc)
    writer.commit()
    writer = whoosh_index.open_dir(str(theirs)).writer(codec=codec())
    for doc in documents:
        writer.add_document(**doc)
    writer.commit()
    mine, whoosh = _all_postings(ours), _all_postings(theirs)
    assert mine["postings"].keys() == whoosh["postings"].keys()
    assert max(len(p[0]) for p in whoosh["postings"].values()) > BLOCK_POSTINGS
    for key, expected in whoosh["postings"].items():
        assert mine["postings"][key] == expected, key
    for name in ("lengths", "stored", "columns"):
        assert mine[name] == whoosh[name]


def test_parallel_writer_gives_the_same_index_as_one_process(
    tmp_path, fixture_content, monkeypatch
):
    content = _copy_content(tmp_path, fixture_content)
    serial = build(content, tmp_path / "serial", workers=1, **QUIET)
    monkeypatch.setattr(reading_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(writer_module, "SEGMENT_DOCS", 3)
    parallel = build(content, tmp_path / "parallel", workers=2, **QUIET)
    assert parallel.documents == serial.documents == serial.added
    generation = store.current_generation(tmp_path / "parallel")
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        assert len(reader.leaf_readers()) >= 4  # several segments from two processes
    assert _search_everything(tmp_path / "parallel") == _search_everything(tmp_path / "serial")


def test_updates_merge_small_segments_instead_of_piling_them_up(tmp_path, fixture_content):
    content = _copy_content(tmp_path, fixture_content)
    index_dir = tmp_path / "index"
    build(content, index_dir, **QUIET)
    from indexer.writing.writer import MERGE_AT

    def segments() -> int:
        generation = store.current_generation(index_dir)
        with whoosh_index.open_dir(str(generation)).reader() as reader:
            assert reader.doc_count() == 19
            return len(reader.leaf_readers())

    path = content / "good" / "iskola.hu.md"
    for n in range(12):  # the same file again and again: its old segment is all deleted
        path.write_text(path.read_text("utf-8") + f"\nÚj mondat {n}.\n", "utf-8")
        assert build(content, index_dir, **QUIET).changed == 1
        assert segments() <= 2
    files = sorted((content / "good").glob("*.md"))
    for n in range(3 * MERGE_AT):  # different files: small segments pile up to MERGE_AT at most
        path = files[n % len(files)]
        path.write_text(path.read_text("utf-8") + f"\n{n}\n", "utf-8")
        assert build(content, index_dir, **QUIET).changed == 1
        assert segments() <= MERGE_AT


def test_manifest_skips_unchanged_files_and_recovers_when_stale(tmp_path, fixture_content):
    content = _copy_content(tmp_path, fixture_content)
    index_dir = tmp_path / "index"
    build(content, index_dir, **QUIET)
    generation = store.current_generation(index_dir)
    known = manifest.load(generation)
    indexed = {p for p, e in known.items() if not e.rejected}
    assert len(indexed) == 19 and all(known[p].size > 0 for p in indexed)
    remembered = {p for p, e in known.items() if e.rejected}
    assert "rejected/invalid-yaml.md" in remembered and known["rejected/empty.md"].problems
    assert "rejected/duplicate-id.en.md" not in remembered  # the other file may go away
    scan = manifest.scan(content, dict(known))
    assert set(scan.unchanged) == indexed | remembered and not (scan.changed or scan.removed)
    assert scan.added == ["rejected/duplicate-id.en.md"]
    again = build(content, index_dir, **QUIET)
    assert (again.unchanged, again.rejected) == (19, 5)
    assert any(p.path == "rejected/empty.md" for p in again.problems)
    os.utime(content / "good" / "scoala.ro.md", (5, 5))
    scan = manifest.scan(content, dict(known))
    assert scan.restamped and "good/scoala.ro.md" in scan.unchanged
    # A manifest that does not describe the index's table of contents is not trusted.
    manifest.save(generation, known, -1)
    rebuilt = manifest.load(generation)
    assert set(rebuilt) == indexed and all(e.size == -1 for e in rebuilt.values())
    assert build(content, index_dir, **QUIET).changed == 0


def test_a_running_service_sees_an_update_without_restarting(tmp_path, fixture_content):
    content = _copy_content(tmp_path, fixture_content)
    index_dir = tmp_path / "index"
    build(content, index_dir, **QUIET)
    service = SearchService(index_dir)
    from library.models import SearchRequest

    assert service.search(SearchRequest(q="zebraquark")).total == 0
    path = content / "good" / "scoala.ro.md"
    path.write_text(path.read_text("utf-8") + "\nzebraquark\n", "utf-8")
    build(content, index_dir, **QUIET)
    page = service.search(SearchRequest(q="zebraquark"))
    assert page.total == 1 and page.hits[0].language == "ro"


def test_snippet_marks_whole_matched_words_only():
    stored = {
        "language": "cs",
        "summary": "",
        "text": "Děti chodí ve městě do škol. " * 3
        + "Romské děti v segregovaných školách se učí jinak než ostatní. " * 2
        + "Závěr zprávy shrnuje doporučení pro obce.",
    }
    html = snippet(stored, ["segregace", "ve", "skolach"]).html
    assert "<mark>segregovaných</mark>" in html and "<mark>školách</mark>" in html
    assert "<mark>ve</mark>" not in html and "<mark>v</mark>" not in html
    assert html.count("<mark>") == html.count("</mark>")
    plain = html.replace("<mark>", "").replace("</mark>", "").replace("…", "").strip()
    assert plain.split()[0] in stored["text"].split()  # starts on a whole word
    assert plain.split()[-1] in stored["text"].split()  # and ends on one


def test_snippet_escapes_text_and_falls_back_to_the_summary():
    stored = {"language": "en", "summary": "<script>alert(1)</script> Summary", "text": "x"}
    html = snippet(stored, ["nothing"]).html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_update_writes_a_small_delta_of_the_manifest(tmp_path, fixture_content, monkeypatch):
    content = _copy_content(tmp_path, fixture_content)
    index_dir = tmp_path / "index"
    build(content, index_dir, **QUIET)
    generation = store.current_generation(index_dir)
    base = (generation / manifest.MANIFEST_FILE).read_bytes()
    path = content / "good" / "scoala.ro.md"
    path.write_text(path.read_text("utf-8") + "\nO frază nouă.\n", "utf-8")
    (content / "good" / "iskola.hu.md").unlink()
    report = build(content, index_dir, **QUIET)
    assert (report.changed, report.removed) == (1, 1)
    assert (generation / manifest.MANIFEST_FILE).read_bytes() == base  # untouched
    assert (generation / manifest.DELTA_FILE).exists()
    known = manifest.load(generation)
    assert "good/iskola.hu.md" not in known
    assert len(known["good/scoala.ro.md"].sha) == 40
    assert build(content, index_dir, **QUIET).unchanged == 18
    monkeypatch.setattr(manifest, "DELTA_LIMIT", 1)
    path.write_text(path.read_text("utf-8") + "\nÎncă una.\n", "utf-8")
    assert build(content, index_dir, **QUIET).changed == 1
    assert not (generation / manifest.DELTA_FILE).exists()  # folded into a new full file
    assert set(manifest.load(generation)) == set(known)


def test_snippets_mark_words_a_latin_typed_query_stands_for():
    from library.search.snippets import snippet

    bulgarian = {"language": "bg", "text": "Общините в региона строят жилища заедно."}
    assert snippet(bulgarian, ["obshtinite", "zhilishta"]).html == (
        "<mark>Общините</mark> в региона строят <mark>жилища</mark> заедно."
    )
    greek = {"language": "el", "text": "Ο δήμος στηρίζει την εκπαίδευση των παιδιών."}
    assert "<mark>εκπαίδευση</mark>" in snippet(greek, ["ekpaideusi"]).html
    czech = {"language": "cs", "text": "Obecní bydlení."}  # only Bulgarian and Greek
    assert "<mark>" not in snippet(czech, ["zhilishta"]).html


def test_pool_keeps_whole_weights_in_two_bytes_until_one_does_not_fit():
    postings = segments._FieldPostings(positions=False)
    postings.add_counts(0, {"a": 3, "b": 1}, 1.0)
    assert postings.weights.typecode == "H"
    postings.add_counts(1, {"a": 2, "c": 70_000}, 1.0)
    postings.add_counts(2, {"d": 2}, 1.5)
    postings.add_one(b"e", 2, 1.0, b"")
    assert postings.weights.typecode == "f"
    assert list(postings.weights) == [3, 1, 2, 70_000, 3.0, 1.0]
    assert postings.docs().tolist() == [0, 0, 1, 1, 2, 2]


def _read_everything(leaves, expected, rounds: int, seed: int) -> None:
    """A forked child: read every term's postings again and again through the files the parent
    opened; exit 1 at the first one that differs from what the parent read."""
    try:
        keys = list(expected)
        rng = random.Random(seed)
        for _ in range(rounds):
            rng.shuffle(keys)
            for number, term in keys:
                read = postings.read_postings(leaves[number], "body", term)
                if read is None or read[0].tolist() != expected[number, term]:
                    os._exit(1)
    except Exception:
        os._exit(2)
    os._exit(0)


def _forked_reads_agree(folder: Path, opener) -> list:
    reader = opener(str(folder)).reader()  # opened once, as python app.py does before forking
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    expected = {
        (number, term): postings.read_postings(leaf, "body", term)[0].tolist()
        for number, leaf in enumerate(leaves)
        for term in leaf.lexicon("body")
    }
    context = multiprocessing.get_context("fork")
    children = [
        context.Process(target=_read_everything, args=(leaves, expected, 3, seed))
        for seed in range(3)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
    return [child.exitcode for child in children]


def test_processes_forked_after_opening_the_index_read_their_own_postings(tmp_path):
    from library.search.storage import open_index

    rng = random.Random(8)
    vocabulary = [f"w{n}" for n in range(3000)]
    ix = whoosh_index.create_in(str(tmp_path), Schema(body=TEXT(phrase=False)))
    writer = ix.writer(codec=codec())
    for _ in range(3000):
        writer.add_document(body=" ".join(rng.choices(vocabulary, k=60)))
    writer.commit()
    assert _forked_reads_agree(tmp_path, open_index) == [0, 0, 0]


@pytest.mark.parametrize("kind", ["positioned", "plain"])
def test_a_forked_child_cannot_move_the_parents_read_position(tmp_path, kind):
    from library.search.storage import PositionedFile

    path = tmp_path / "data"
    path.write_bytes(bytes(range(256)) * 16)
    raw = PositionedFile(str(path)) if kind == "positioned" else io.FileIO(str(path), "r")
    assert raw.read(10) == bytes(range(10))
    pid = os.fork()
    if pid == 0:  # the child reads elsewhere through the same open file
        raw.seek(1000)
        raw.read(10)
        os._exit(0)
    os.waitpid(pid, 0)
    following = raw.read(10)
    raw.close()
    if kind == "positioned":
        assert following == bytes(range(10, 20))
    else:  # what a plain file does: the child moved the offset both processes share
        assert following == bytes((1010 + n) % 256 for n in range(10))


def test_columns_read_in_one_piece_match_whoosh(synthetic):
    ix = whoosh_index.open_dir(str(synthetic))
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            values = postings.column_values(leaf, "docid")
            assert values == list(leaf.column_reader("docid"))
            assert len(values) == leaf.doc_count_all() and all(isinstance(v, str) for v in values)


def test_a_new_snapshot_reads_only_segments_it_has_not_seen(synthetic, monkeypatch):
    first = Snapshot(synthetic)
    every = np.arange(first.size)
    first_lengths = first.lengths("body", every).copy()
    first_themes = first.facet("tag").values
    read: list[str] = []
    real = postings.column_values

    def counted(segment, fieldname):
        read.append(segment._segid)
        return real(segment, fieldname)

    monkeypatch.setattr(postings, "column_values", counted)
    second = Snapshot(synthetic)
    assert read == []  # every segment's resource ids came from the first snapshot's reading
    assert second.docids == first.docids
    assert second.resource.tolist() == first.resource.tolist()
    assert second.resource_ids == list(dict.fromkeys(first.docids))
    assert np.array_equal(second.lengths("body", every), first_lengths)
    assert first_lengths.tolist() == [
        length
        for leaf, _ in first.leaves
        for length in postings.lengths_of(postings.field_length_codes(leaf, "body")).tolist()
    ]
    assert second.facet("tag").values == first_themes


class _TermByTerm:
    """TermWriter's interface over W3's own calls: start_term, a posting at a time, finish."""

    def __init__(self, fieldwriter) -> None:
        self._fieldwriter = fieldwriter

    def add(self, btext, ids, weights, values, lengths) -> None:
        self._fieldwriter.start_term(btext)
        found = values if values is not None else [b""] * len(ids)
        for docnum, weight, value, length in zip(
            ids.tolist(), weights.tolist(), found, lengths.tolist(), strict=True
        ):
            self._fieldwriter.add(docnum, weight, value, length)
        self._fieldwriter.finish_term()

    def close(self) -> None:
        pass


def test_term_writer_writes_the_bytes_whoosh_writes_term_by_term(tmp_path, monkeypatch):
    documents = _library_documents(1300)
    written = {}
    for way in ("fused", "term-by-term"):
        folder = tmp_path / way
        folder.mkdir()
        whoosh_index.create_in(str(folder), build_schema())
        if way == "term-by-term":
            monkeypatch.setattr(segments, "TermWriter", _TermByTerm)
        writer = segments.SegmentWriter(whoosh_index.open_dir(str(folder)), codec())
        for doc in documents:
            writer.add_document(**doc)
        writer.commit()
        written[way] = {
            f.suffix: f.read_bytes() for f in folder.glob("*") if f.suffix in (".pst", ".trm")
        }
    assert set(written["fused"]) == {".pst", ".trm"}
    assert written["fused"] == written["term-by-term"]


WEIGHT_CASES = [
    ([1.0] * 5, 1.0, blocks.ALL_ONE),
    ([3.0] * 4, 1.0, blocks.ALL_SAME),
    ([1.0, 2.0, 7.0, 255.0], 1.0, blocks.TIMES_BOOST_1),
    ([0.5, 1.0, 1.5, 40.0], 0.5, blocks.TIMES_BOOST_1),
    ([0.4, 0.8, 1.2, 2.0], 0.4, blocks.TIMES_BOOST_1),
    ([2.0, 600.0, 4.0], 2.0, blocks.TIMES_BOOST_2),
    ([0.25, 1.0, 3.7], 1.0, blocks.EACH),
    ([1.0, 70000.0], 1.0, blocks.EACH),
]


@pytest.mark.parametrize(("weights", "boost", "kind"), WEIGHT_CASES)
@pytest.mark.parametrize("gap", [1, 300, 70000])
def test_blocks_unpack_what_they_pack_as_lists_and_as_arrays(weights, boost, kind, gap):
    format_ = Counts(field_boost=boost)
    stored = np.asarray(weights, dtype=np.float32)  # the writer's weights are float32
    ids = [5 + gap * n for n in range(len(weights))]
    from_lists, from_arrays = bytearray(), bytearray()
    blocks.pack_ids(ids, from_lists)
    blocks.pack_weights(stored.tolist(), boost, from_lists)
    blocks.pack_id_array(np.asarray(ids, dtype=np.int64), from_arrays)
    blocks.pack_weight_array(stored, boost, from_arrays)
    assert from_lists == from_arrays
    id_bytes = len(from_lists) - len(_weights_only(stored, boost))
    assert from_lists[id_bytes] == kind
    found_ids, found_weights, values = blocks.unpack(bytes(from_lists), len(ids), format_, False)
    assert found_ids.tolist() == ids
    assert found_weights.dtype == np.float32 and found_weights.tolist() == stored.tolist()
    assert values is None


def _weights_only(weights, boost) -> bytearray:
    out = bytearray()
    blocks.pack_weights(weights.tolist(), boost, out)
    return out


@pytest.mark.parametrize("kind", ["compact", "counts"])
def test_packed_blocks_are_smaller_than_whoosh_compressed_pickles(tmp_path, kind):
    schema = Schema(id=ID(stored=True), body=_body(kind))
    sizes = {}
    for name, made in (("ours", codec()), ("whoosh", W3Codec(blocklimit=BLOCK_POSTINGS))):
        folder = tmp_path / name
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), schema)
        writer = ix.writer(codec=made, compound=False)
        for n in range(600):
            writer.add_document(id=str(n), body=f"common common word{n} " + "filler " * (n % 7))
        writer.commit()
        sizes[name] = sum(f.stat().st_size for f in folder.glob("*.pst"))
    with whoosh_index.open_dir(str(tmp_path / "ours")).reader() as reader:
        leaf = next(iter(reader.leaf_readers()))[0]
        for word in ("word3", "common", "filler"):
            format_ = leaf.schema["body"].format
            matcher = leaf._terms.matcher("body", word.encode(), format_)
            expected = []
            while matcher.is_active():
                expected.append((matcher.id(), matcher.weight()))
                matcher.next()
            ids, weights, _ = postings.read_postings(leaf, "body", word.encode())
            assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == expected
    assert sizes["ours"] < sizes["whoosh"]
