from __future__ import annotations

import bz2
import gzip
import shutil
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from movibot.errors import ReadOnly, UsageError, WikiError
from movibot.sites.base import Page, Site
from movibot.sites.dump import DumpSite, find_categories

DUMPS = Path(__file__).parents[1] / "fixtures" / "dumps"
V10 = DUMPS / "export-0.10.xml"
V11 = DUMPS / "export-0.11.xml"

MIXEUR_TEXT = (
    "{{Tiers-Lieu\n|nom=Le Mixeur\n|ville=Lyon\n}}\n"
    "Un tiers-lieu à Lyon & alentours.\n[[Catégorie:Tiers-lieu]]"
)


def _generated_dump(path: Path, count: int) -> Path:
    """A dump of `count` pages written line by line (never whole in memory)."""
    with path.open("w", encoding="utf-8") as f:
        f.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">\n')
        for i in range(count):
            f.write(
                f"<page><title>Lieu {i}</title><ns>0</ns><id>{i + 1}</id><revision>"
                f"<id>{i + 1000}</id><timestamp>2024-01-01T00:00:00Z</timestamp>"
                f'<text xml:space="preserve">{{{{Tiers-Lieu|nom=Lieu {i}}}}}\n'
                f"{'Texte du lieu. ' * 20}\n[[Catégorie:Tiers-lieu]]</text></revision></page>\n"
            )
        f.write("</mediawiki>\n")
    return path



def pages_and_peak(site: DumpSite) -> tuple[int, int]:
    """How many pages iterating the dump gives, and the peak of Python memory meanwhile."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in site.iter_pages())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def test_dump_site_is_a_read_only_site() -> None:
    site = DumpSite(V11)
    assert isinstance(site, Site)
    assert (site.name, site.writable, site.requests) == (str(V11), False, 0)


def test_reads_schema_0_11() -> None:
    pages = list(DumpSite(V11).iter_pages())
    assert [p.title for p in pages] == ["Le Mixeur", "La Fabrique", "Catégorie:Tiers-lieu"]
    assert pages[0] == Page(title="Le Mixeur", text=MIXEUR_TEXT, revid=5001,
                            timestamp="2024-03-01T10:00:00Z", pageid=101, ns=0)
    assert pages[2].ns == 14


def test_reads_schema_0_10() -> None:
    pages = list(DumpSite(V10).iter_pages())
    assert [(p.title, p.pageid) for p in pages] == [("Le Mixeur", 101), ("Page vide", 104)]


def test_takes_the_newest_revision_of_a_page() -> None:
    [mixeur] = DumpSite(V10).pages(["Le Mixeur"])
    assert (mixeur.revid, mixeur.timestamp) == (3002, "2020-02-01T00:00:00Z")
    assert mixeur.text == "Deuxième version.\n[[Catégorie:Tiers-lieu]]"


def test_an_empty_text_element_gives_an_empty_text() -> None:
    [page] = DumpSite(V10).pages(["Page vide"])
    assert (page.text, page.exists) == ("", True)


def test_pages_come_in_the_requested_order_with_missing_ones() -> None:
    pages = list(DumpSite(V11).pages(["La_Fabrique", "Absent", "le Mixeur"]))
    assert [(p.title, p.exists) for p in pages] == [
        ("La Fabrique", True), ("Absent", False), ("Le Mixeur", True)]
    assert pages[1] == Page(title="Absent", text="", exists=False)


def test_category_pages_reads_membership_from_the_text() -> None:
    titles = [p.title for p in DumpSite(V11).category_pages("Tiers-lieu")]
    assert titles == ["Le Mixeur", "La Fabrique"]


def test_category_pages_accepts_underscores_and_a_lowercase_first_letter() -> None:
    titles = [p.title for p in DumpSite(V11).category_pages("tiers-lieu")]
    assert titles == ["Le Mixeur", "La Fabrique"]
    assert list(DumpSite(V11).category_pages("Tiers_lieu")) == []


def test_category_pages_ignores_earlier_revisions() -> None:
    assert list(DumpSite(V10).category_pages("Brouillon")) == []
    assert [p.title for p in DumpSite(V10).category_pages("Tiers-lieu")] == ["Le Mixeur"]


@pytest.mark.parametrize("text, expected", [
    ("[[Catégorie:Tiers-lieu]]", {"Tiers-lieu"}),
    ("[[catégorie : tiers_lieu | clé]]", {"Tiers lieu"}),
    ("[[CATÉGORIE:Lieu  de   vie]]", {"Lieu de vie"}),
    ("[[Category:Lyon]] [[Catégorie:Fablab|*]]", {"Lyon", "Fablab"}),
    ("[[:Catégorie:Tiers-lieu]]", set()),
    ("<!-- [[Catégorie:Tiers-lieu]] -->", set()),
    ("<nowiki>[[Catégorie:Tiers-lieu]]</nowiki>", set()),
    ("<includeonly>[[Catégorie:Tiers-lieu]]</includeonly>", set()),
    ("[[Catégories:Tiers-lieu]]", set()),
])
def test_find_categories(text: str, expected: set[str]) -> None:
    assert find_categories(text) == expected


def test_changed_since_gives_pages_with_newer_revisions() -> None:
    site = DumpSite(V11)
    assert site.changed_since("2024-03-01T10:00:00Z") == ["La Fabrique"]
    assert site.changed_since("2024-01-01T00:00:00+00:00") == ["Le Mixeur", "La Fabrique"]
    assert site.changed_since("2024-05-01T00:00:00Z") == []


def test_changed_since_rejects_a_bad_timestamp() -> None:
    with pytest.raises(UsageError, match="bad timestamp 'hier'"):
        DumpSite(V11).changed_since("hier")


def test_now_is_the_clock_not_a_date_of_the_dump() -> None:
    assert DumpSite(V11, clock=lambda: 1_714_564_800.9).now() == "2024-05-01T12:00:00Z"
    # time.gmtime() without an argument reads a coarser clock than time.time(): the same one
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time()))
    now = DumpSite(V10).now()
    after = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time()))
    assert before <= now <= after
    assert now != "2020-02-01T00:00:00Z"


def test_now_does_not_read_the_dump(tmp_path: Path) -> None:
    path = tmp_path / "dump.xml"
    path.write_bytes(V11.read_bytes())
    site = DumpSite(path, clock=lambda: 0.0)
    path.unlink()  # a read would fail now
    assert site.now() == "1970-01-01T00:00:00Z"


def test_save_raises_read_only() -> None:
    site = DumpSite(V11)
    page = next(site.pages(["Le Mixeur"]))
    with pytest.raises(ReadOnly) as info:
        site.save(page, "nouveau", "résumé")
    assert str(info.value) == f"the dump site {V11} is read-only"


def test_reads_a_gzip_dump_by_its_magic_bytes(tmp_path: Path) -> None:
    path = tmp_path / "dump.xml"  # no .gz extension on purpose
    path.write_bytes(gzip.compress(V11.read_bytes()))
    assert [p.title for p in DumpSite(path).category_pages("Tiers-lieu")] == [
        "Le Mixeur", "La Fabrique"]


def test_reads_a_bz2_dump(tmp_path: Path) -> None:
    path = tmp_path / "dump.xml.bz2"
    path.write_bytes(bz2.compress(V10.read_bytes()))
    assert next(DumpSite(path).pages(["Le Mixeur"])).revid == 3002


def test_a_truncated_file_raises_with_the_byte_offset(tmp_path: Path) -> None:
    data = V11.read_bytes()
    cut = data.index(b"  <page>\n    <title>La Fabrique")
    path = tmp_path / "dump.xml"
    path.write_bytes(data[:cut])
    pages = DumpSite(path).iter_pages()
    assert next(pages).title == "Le Mixeur"
    with pytest.raises(WikiError) as info:
        next(pages)
    assert str(info.value) == f"{path}: malformed XML at byte {cut}: no element found"


def test_a_file_truncated_inside_a_tag_gives_the_tag_offset(tmp_path: Path) -> None:
    data = V11.read_bytes()
    cut = data.index(b"<title>La Fabrique") + 4
    path = tmp_path / "dump.xml"
    path.write_bytes(data[:cut])
    with pytest.raises(WikiError) as info:
        list(DumpSite(path).iter_pages())
    assert str(info.value) == f"{path}: malformed XML at byte {cut - 4}: unclosed token"


def test_malformed_xml_gives_the_byte_offset_after_multibyte_characters(tmp_path: Path) -> None:
    data = V11.read_bytes().replace(b"<title>La Fabrique</title>",
                                    b"<title>\xc3\xa9t\xc3\xa9 &</title>")
    path = tmp_path / "dump.xml"
    path.write_bytes(data)
    with pytest.raises(WikiError) as info:
        list(DumpSite(path).pages(["Le Mixeur"]))
    offset = data.index(b" &</title>") + 2
    assert str(info.value) == (
        f"{path}: malformed XML at byte {offset}: not well-formed (invalid token)")


def test_a_truncated_gzip_dump_gives_the_uncompressed_offset(tmp_path: Path) -> None:
    data = V11.read_bytes()
    cut = data.index(b"  <page>\n    <title>La Fabrique")
    path = tmp_path / "dump.xml.gz"
    path.write_bytes(gzip.compress(data[:cut]))
    with pytest.raises(WikiError) as info:
        list(DumpSite(path).iter_pages())
    assert str(info.value) == (
        f"{path}: malformed XML at byte {cut} of the uncompressed stream: no element found")


def test_a_truncated_bz2_stream_raises(tmp_path: Path) -> None:
    compressed = bz2.compress(V11.read_bytes())
    path = tmp_path / "dump.xml.bz2"
    path.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(WikiError) as info:
        list(DumpSite(path).iter_pages())
    assert str(info.value) == (
        f"{path}: corrupt bzip2 data at byte 0 of the uncompressed stream: "
        "Compressed file ended before the end-of-stream marker was reached")


def test_a_truncated_gzip_stream_raises_after_the_pages_it_holds(tmp_path: Path) -> None:
    plain = _generated_dump(tmp_path / "big.xml", 2_000)
    compressed = gzip.compress(plain.read_bytes())
    path = tmp_path / "big.xml.gz"
    path.write_bytes(compressed[: len(compressed) // 2])
    pages = DumpSite(path).iter_pages()
    assert next(pages).title == "Lieu 0"
    with pytest.raises(WikiError) as info:
        list(pages)
    message = str(info.value)
    prefix, _, rest = message.partition(" at byte ")
    offset, _, reason = rest.partition(" of the uncompressed stream: ")
    assert prefix == f"{path}: corrupt gzip data"
    assert 0 < int(offset) < plain.stat().st_size
    assert reason == "Compressed file ended before the end-of-stream marker was reached"


def test_a_non_mediawiki_file_raises() -> None:
    path = DUMPS / "not-mediawiki.xml"
    with pytest.raises(WikiError) as info:
        list(DumpSite(path).iter_pages())
    assert str(info.value) == f"{path}: not a MediaWiki XML export (root element <rss>)"


def test_a_missing_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "absent.xml"
    with pytest.raises(WikiError) as info:
        DumpSite(path)
    assert str(info.value) == f"{path}: cannot read the dump: No such file or directory"


def test_iterating_a_large_dump_uses_constant_memory(tmp_path: Path) -> None:
    path = _generated_dump(tmp_path / "big.xml", 20_000)
    assert path.stat().st_size > 8_000_000
    site = DumpSite(path)
    count, peak = pages_and_peak(site)
    assert count == 20_000
    assert peak < 1_000_000


def test_a_large_gzip_dump_streams_too(tmp_path: Path) -> None:
    plain = _generated_dump(tmp_path / "big.xml", 5_000)
    packed = tmp_path / "big.xml.gz"
    with plain.open("rb") as src, gzip.open(packed, "wb") as dest:
        shutil.copyfileobj(src, dest)
    assert sum(1 for _ in DumpSite(packed).category_pages("Tiers-lieu")) == 5_000


@pytest.mark.parametrize("compress, where", [
    (lambda b: b, ""),
    (gzip.compress, " of the uncompressed stream"),
])
def test_an_error_deep_in_a_large_dump_gives_its_exact_offset(
    tmp_path: Path, compress: Callable[[bytes], bytes], where: str
) -> None:
    plain = _generated_dump(tmp_path / "big.xml", 3_000)
    data = plain.read_bytes().replace(b"<title>Lieu 2500</title>",
                                      b"<title>Lieu \xc3\xa9\xc3\xa9 <</title>")
    path = tmp_path / "bad.xml"
    path.write_bytes(compress(data))
    with pytest.raises(WikiError) as info:
        list(DumpSite(path).iter_pages())
    offset = data.index(b" <</title>") + 2
    assert offset > 1_000_000
    assert str(info.value) == (
        f"{path}: malformed XML at byte {offset}{where}: not well-formed (invalid token)")
