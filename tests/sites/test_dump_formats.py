"""What a dump site reads beyond a plain current export: stub dumps refused, .7z and legacy
.lzma streamed, the newest revision of a full history, namespaces of old schemas without <ns>,
and the run's clock as `now()`."""

from __future__ import annotations

import gzip
import html
import json
import lzma
import shutil
import subprocess
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
import wikiserver  # tests/ is on sys.path (conftest.py)
from commandline import Cli
from required import require
from test_dump import pages_and_peak

import movibot.sites.dump as dump
from movibot.config import Config
from movibot.errors import UsageError, WikiError
from movibot.records.schema import load_schema
from movibot.sites.dump import DumpSite
from movibot.sync.offline import run_offline
from movibot.sync.plan import Source

DUMPS = Path(__file__).parents[1] / "fixtures" / "dumps"
V3 = DUMPS / "export-0.3.xml"
V10 = DUMPS / "export-0.10.xml"
V11 = DUMPS / "export-0.11.xml"
STUB10 = DUMPS / "stub-0.10.xml"
STUB11 = DUMPS / "stub-0.11.xml"
HISTORY = DUMPS / "history-0.10.xml"
SEVEN_ZIP = DUMPS / "export-0.11.xml.7z"
LZMA = DUMPS / "export-0.10.xml.lzma"
NS11 = "http://www.mediawiki.org/xml/export-0.11/"


def stub_message(path: Path) -> str:
    return (f"{path} is a stub dump (dumpBackup --stub): its <text> elements hold no "
            "wikitext; export with --current or --full")


def xml_dump(path: Path, *pages: str, siteinfo: str = "") -> Path:
    """A schema 0.11 export of the given <page> elements."""
    path.write_text(f'<mediawiki xmlns="{NS11}" version="0.11" xml:lang="fr">{siteinfo}'
                    f'{"".join(pages)}</mediawiki>\n', encoding="utf-8")
    return path


def page_xml(title: str, text_element: str, revid: int = 1) -> str:
    return (f"<page><title>{html.escape(title)}</title><ns>0</ns><id>{revid}</id><revision>"
            f"<id>{revid}</id><timestamp>2024-01-01T00:00:00Z</timestamp>{text_element}"
            "</revision></page>")


def generated(path: Path, count: int) -> Path:
    """A dump of `count` pages, written line by line."""
    with path.open("w", encoding="utf-8") as f:
        f.write(f'<mediawiki xmlns="{NS11}" version="0.11">\n')
        for i in range(count):
            f.write(page_xml(f"Lieu {i}", '<text xml:space="preserve">{{Tiers-Lieu|nom=Lieu '
                             f'{i}}}}}\n{"Texte du lieu. " * 20}\n[[Catégorie:Tiers-lieu]]'
                             "</text>", i + 1) + "\n")
        f.write("</mediawiki>\n")
    return path


def titles_and_ns(site: DumpSite) -> list[tuple[str, int]]:
    return [(p.title, p.ns) for p in site.iter_pages()]


# --- stub dumps ---------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", [STUB11, STUB10], ids=["0.11", "0.10"])
def test_a_stub_dump_made_by_dumpbackup_is_refused_when_the_site_is_made(fixture: Path) -> None:
    with pytest.raises(UsageError) as info:
        DumpSite(fixture)
    assert str(info.value) == stub_message(fixture)
    assert info.value.exit_code == 2


@pytest.mark.parametrize("text", [
    '<text bytes="123" id="45" />',                                  # 1.31-1.34, schema 0.10
    '<text id="45" />',                                              # 1.5-1.16
    '<text bytes="123" sha1="abc" location="tt:45" id="45" />',      # 1.35+, schema 0.11
    '<text bytes="123" sha1="abc" location="es:DB://cluster1/7" />',  # external storage
    '<text bytes="123" sha1="abc" />',                               # no text, bytes > 0
    '<text bytes="123" sha1="abc"></text>',
])
def test_an_empty_text_that_points_elsewhere_is_a_stub(tmp_path: Path, text: str) -> None:
    path = xml_dump(tmp_path / "stub.xml", page_xml("Le Mixeur", text))
    with pytest.raises(UsageError, match="is a stub dump"):
        DumpSite(path)


def test_empty_pages_before_a_stub_do_not_hide_it(tmp_path: Path) -> None:
    empties = [page_xml(f"Vide {i}", '<text bytes="0" sha1="x" xml:space="preserve" />', i)
               for i in range(1, 4)]
    path = xml_dump(tmp_path / "stub.xml", *empties,
                    page_xml("Le Mixeur", '<text bytes="87" sha1="x" />', 9))
    with pytest.raises(UsageError, match="is a stub dump"):
        DumpSite(path)


@pytest.mark.parametrize("text", [
    '<text bytes="0" sha1="phoiac9h4m842xq45sp7s6u21eteeq1" xml:space="preserve" />',  # 1.39
    '<text xml:space="preserve" bytes="0" />',
    '<text xml:space="preserve"></text>',
    "<text />",
    '<text bytes="40" deleted="deleted" />',  # a hidden revision text: no stub either
])
def test_empty_pages_are_not_a_stub(tmp_path: Path, text: str) -> None:
    path = xml_dump(tmp_path / "dump.xml", page_xml("Page vide", text),
                    page_xml("Le Mixeur", '<text xml:space="preserve">Du texte.</text>', 2))
    pages = list(DumpSite(path).iter_pages())
    assert [(p.title, p.text) for p in pages] == [("Page vide", ""), ("Le Mixeur", "Du texte.")]


def test_a_dump_of_empty_pages_only_is_no_stub(tmp_path: Path) -> None:
    path = xml_dump(tmp_path / "dump.xml", page_xml("Vide", '<text bytes="0" />'))
    assert [p.text for p in DumpSite(path).iter_pages()] == [""]


def test_a_text_missing_after_real_texts_reads_as_empty(tmp_path: Path) -> None:
    """A full dump whose text pass could not fetch one revision (bytes > 0, no text, no
    storage address) is no stub: that page reads as empty, the others as they are."""
    path = xml_dump(tmp_path / "dump.xml",
                    page_xml("Le Mixeur", '<text xml:space="preserve">Du texte.</text>'),
                    page_xml("Perdue", '<text bytes="120" sha1="abc" />', 2))
    assert [(p.title, p.text) for p in DumpSite(path).iter_pages()] == [
        ("Le Mixeur", "Du texte."), ("Perdue", "")]


def test_a_stub_address_anywhere_is_refused_while_reading(tmp_path: Path) -> None:
    path = xml_dump(tmp_path / "dump.xml",
                    page_xml("Le Mixeur", '<text xml:space="preserve">Du texte.</text>'),
                    page_xml("Ailleurs", '<text bytes="12" id="7" />', 2))
    pages = DumpSite(path).iter_pages()
    assert next(pages).title == "Le Mixeur"
    with pytest.raises(UsageError) as info:
        next(pages)
    assert str(info.value) == stub_message(path)


def test_a_compressed_stub_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "stub.xml.gz"
    path.write_bytes(gzip.compress(STUB11.read_bytes()))
    with pytest.raises(UsageError) as info:
        DumpSite(path)
    assert str(info.value) == stub_message(path)


def test_a_stub_found_late_by_the_site_is_still_refused_by_its_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empties = [page_xml(f"Vide {i}", '<text bytes="0" />', i) for i in range(1, 6)]
    path = xml_dump(tmp_path / "stub.xml", *empties, page_xml("Le Mixeur", '<text id="9" />', 9))
    monkeypatch.setattr(dump, "_PROBE_PAGES", 2)  # the first reads stop before the stub
    site = DumpSite(path)
    with pytest.raises(UsageError, match="is a stub dump"):
        list(site.iter_pages())


@pytest.mark.parametrize("args", [["--out", "OUT"], ["--dry-run"], ["--dry-run", "--full"]])
def test_the_run_refuses_a_stub_dump_in_one_line_and_writes_nothing(
        cli: Cli, tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "out"
    args = [str(out) if a == "OUT" else a for a in args]
    result = cli("run", "--site", f"dump:{STUB11}", *args)
    assert (result.exit_code, result.output) == (2, f"Error: {stub_message(STUB11)}\n")
    assert not out.exists()


def test_pull_refuses_a_stub_dump(cli: Cli, tmp_path: Path) -> None:
    dest = tmp_path / "fiches"
    result = cli("pull", "--site", f"dump:{STUB10}", "--dest", str(dest))
    assert (result.exit_code, result.output) == (2, f"Error: {stub_message(STUB10)}\n")
    assert not dest.exists() or not any(dest.iterdir())


def test_stubs_made_by_the_test_wiki_are_refused_and_its_current_dump_is_read(
        cli: Cli, wiki: wikiserver.Wiki, tmp_path: Path) -> None:
    pages = {
        "Le Mixeur": "{{Tiers-Lieu\n|nom=Le Mixeur\n|ville=Lyon\n}}\n[[Catégorie:Tiers-lieu]]",
        "Page vide": "",
        "Catégorie:Tiers-lieu": "Les tiers-lieux.",
        "Modèle:Tiers-Lieu": "{{{nom}}}",
    }
    wiki.seed(pages)
    wiki.seed({"Le Mixeur": pages["Le Mixeur"] + "\nDeuxième version."})
    runs = {
        "stub-current.xml": ["--stub", "--current"],
        "stub-full-0.10.xml": ["--stub", "--full", "--schema-version", "0.10"],
        "current.xml": ["--current"],
    }
    for name, args in runs.items():
        xml = wiki.run_maintenance("dumpBackup", *args, "--quiet")
        (tmp_path / name).write_text(xml, encoding="utf-8")
    for name in ("stub-current.xml", "stub-full-0.10.xml"):
        with pytest.raises(UsageError) as info:
            DumpSite(tmp_path / name)
        assert str(info.value) == stub_message(tmp_path / name)
    read = {p.title: p for p in DumpSite(tmp_path / "current.xml").iter_pages()}
    assert read["Le Mixeur"].text == pages["Le Mixeur"] + "\nDeuxième version."
    assert (read["Page vide"].text, read["Page vide"].exists) == ("", True)
    assert (read["Catégorie:Tiers-lieu"].ns, read["Modèle:Tiers-Lieu"].ns) == (14, 10)
    result = cli("run", "--site", f"dump:{tmp_path / 'stub-current.xml'}",
                 "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output == f"Error: {stub_message(tmp_path / 'stub-current.xml')}\n"
    assert not (tmp_path / "out").exists()


# --- .7z ----------------------------------------------------------------------------------


@pytest.fixture
def seven_zip() -> str:
    """The 7z program; skipped without one on a developer's machine, a failure in CI (which
    installs p7zip-full and sets MOVIBOT_REQUIRE_WIKI, as for the test wiki)."""
    program = next((p for n in dump.SEVEN_ZIP_PROGRAMS if (p := shutil.which(n))), None)
    require(None if program else "no 7z program: apt-get install p7zip-full")
    assert program is not None
    return program


def make_7z(program: str, archive: Path, *files: Path) -> Path:
    subprocess.run([program, "a", "-bd", "-bso0", "-mx=1", str(archive), *map(str, files)],
                   check=True, stdin=subprocess.DEVNULL)
    return archive


def test_reads_a_7z_dump_by_its_magic_bytes(seven_zip: str, tmp_path: Path) -> None:
    path = tmp_path / "dump.xml"  # no .7z extension on purpose
    shutil.copyfile(SEVEN_ZIP, path)
    site = DumpSite(path)
    assert site.compression == "7z"
    assert list(site.iter_pages()) == list(DumpSite(V11).iter_pages())
    assert [p.title for p in site.category_pages("Tiers-lieu")] == ["Le Mixeur", "La Fabrique"]


def test_a_7z_dump_without_a_7z_program_is_a_one_line_usage_error(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dump, "SEVEN_ZIP_PROGRAMS", ("movibot-no-such-7z",))
    with pytest.raises(UsageError) as info:
        DumpSite(SEVEN_ZIP)
    assert str(info.value) == (f"{SEVEN_ZIP}: a 7z dump is read with the 7z program, not found "
                               "(apt-get install p7zip-full, or 7zip)")
    result = cli("run", "--site", f"dump:{SEVEN_ZIP}", "--dry-run")
    assert (result.exit_code, result.output) == (2, f"Error: {info.value}\n")


def test_a_7z_archive_of_several_files_is_refused(seven_zip: str, tmp_path: Path) -> None:
    shutil.copyfile(V10, tmp_path / "a.xml")
    shutil.copyfile(V11, tmp_path / "b.xml")
    archive = make_7z(seven_zip, tmp_path / "two.7z", tmp_path / "a.xml", tmp_path / "b.xml")
    with pytest.raises(UsageError) as info:
        DumpSite(archive)
    assert str(info.value) == (f"{archive}: the 7z archive holds 2 files (a.xml, b.xml); a "
                               "dump archive holds one XML export")


def test_a_7z_archive_with_a_folder_and_one_file_is_read(seven_zip: str, tmp_path: Path) -> None:
    (tmp_path / "dumps").mkdir()
    shutil.copyfile(V11, tmp_path / "dumps" / "export.xml")
    archive = make_7z(seven_zip, tmp_path / "one.7z", tmp_path / "dumps")
    assert [p.title for p in DumpSite(archive).iter_pages()][0] == "Le Mixeur"


def test_a_truncated_7z_archive_cannot_be_opened(seven_zip: str, tmp_path: Path) -> None:
    path = tmp_path / "cut.7z"
    data = SEVEN_ZIP.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(WikiError) as info:
        DumpSite(path)
    message = str(info.value)
    assert message.startswith(f"{path}: cannot read the 7z archive: ")
    assert "\n" not in message


def test_corrupt_7z_data_raises_after_the_pages_before_it(seven_zip: str, tmp_path: Path
                                                         ) -> None:
    plain = generated(tmp_path / "big.xml", 3_000)
    archive = bytearray(make_7z(seven_zip, tmp_path / "big.7z", plain).read_bytes())
    archive[len(archive) // 2] ^= 0xFF
    path = tmp_path / "bad.7z"
    path.write_bytes(bytes(archive))
    pages = DumpSite(path).iter_pages()
    assert next(pages).title == "Lieu 0"
    with pytest.raises(WikiError) as info:
        list(pages)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert " at byte " in message and " of the uncompressed stream: " in message
    assert "\n" not in message


def test_a_large_7z_dump_streams_in_constant_memory(seven_zip: str, tmp_path: Path) -> None:
    plain = generated(tmp_path / "big.xml", 20_000)
    assert plain.stat().st_size > 8_000_000
    site = DumpSite(make_7z(seven_zip, tmp_path / "big.7z", plain))
    plain.unlink()
    count, peak = pages_and_peak(site)
    assert count == 20_000
    assert peak < 1_000_000


def test_stopping_a_7z_read_early_stops_the_7z_program(
        seven_zip: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = DumpSite(make_7z(seven_zip, tmp_path / "big.7z", generated(tmp_path / "big.xml",
                                                                        5_000)))
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def recording(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))  # type: ignore[call-overload]
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", recording)
    pages: Iterator[object] = site.iter_pages()
    next(pages)
    assert started and started[0].poll() is None
    pages.close()
    assert started[0].poll() is not None


def test_the_run_reads_a_7z_dump(cli: Cli, seven_zip: str, tmp_path: Path) -> None:
    site = Path(__file__).parents[1] / "fixtures" / "site"
    pages = [page_xml(f.stem.replace("_", " "), '<text xml:space="preserve">'
                      f'{html.escape(f.read_text(encoding="utf-8"))}</text>', i)
             for i, f in enumerate(sorted(site.glob("*.wiki")), 1)]
    plain = xml_dump(tmp_path / "dump.xml", *pages)
    archive = make_7z(seven_zip, tmp_path / "dump.7z", plain)
    result = cli("run", "--site", f"dump:{archive}", "--out",
                 str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    out = (tmp_path / "out" / "Le_Lieu_Test.wiki").read_text(encoding="utf-8")
    assert "<!-- movibot:begin infobox" in out


# --- legacy .lzma -------------------------------------------------------------------------


def test_reads_a_legacy_lzma_dump_by_its_magic_bytes(tmp_path: Path) -> None:
    path = tmp_path / "dump.xml"  # made by `xz --format=lzma`; no extension on purpose
    shutil.copyfile(LZMA, path)
    site = DumpSite(path)
    assert site.compression == "lzma"
    assert list(site.iter_pages()) == list(DumpSite(V10).iter_pages())


@pytest.mark.parametrize("preset", [0, 6, 9])
def test_lzma_files_of_every_preset_are_recognised(tmp_path: Path, preset: int) -> None:
    path = tmp_path / "dump.xml.lzma"
    path.write_bytes(lzma.compress(V11.read_bytes(), format=lzma.FORMAT_ALONE, preset=preset))
    assert DumpSite(path).compression == "lzma"
    assert [p.title for p in DumpSite(path).iter_pages()][0] == "Le Mixeur"


@pytest.mark.parametrize("head", [
    b'<?xml version="1.0" encoding="utf-8"?>\n', b"<mediawiki xmlns=", b"\xef\xbb\xbf<mediawiki",
    b"  \n<mediawiki", b"\t<mediawiki", b"]]>", b"<m",
])
def test_plain_xml_is_never_taken_for_lzma(tmp_path: Path, head: bytes) -> None:
    path = tmp_path / "dump.xml"
    path.write_bytes(head + b" " * 20)
    assert dump._compression(str(path)) == ""


def test_a_truncated_lzma_dump_gives_the_uncompressed_offset(tmp_path: Path) -> None:
    data = V11.read_bytes()
    cut = data.index(b"  <page>\n    <title>La Fabrique")
    path = tmp_path / "dump.xml.lzma"
    path.write_bytes(lzma.compress(data[:cut], format=lzma.FORMAT_ALONE))
    with pytest.raises(WikiError) as info:
        list(DumpSite(path).iter_pages())
    assert str(info.value) == (
        f"{path}: malformed XML at byte {cut} of the uncompressed stream: no element found")


def test_a_cut_lzma_stream_raises_after_the_pages_it_holds(tmp_path: Path) -> None:
    plain = generated(tmp_path / "big.xml", 2_000)
    packed = lzma.compress(plain.read_bytes(), format=lzma.FORMAT_ALONE)
    path = tmp_path / "big.xml.lzma"
    path.write_bytes(packed[: len(packed) // 2])
    pages = DumpSite(path).iter_pages()
    assert next(pages).title == "Lieu 0"
    with pytest.raises(WikiError) as info:
        list(pages)
    prefix, _, rest = str(info.value).partition(" at byte ")
    assert prefix == f"{path}: corrupt lzma data"
    assert int(rest.split()[0]) > 0


def test_a_large_lzma_dump_streams_in_constant_memory(tmp_path: Path) -> None:
    plain = generated(tmp_path / "big.xml", 20_000)
    packed = tmp_path / "big.xml.lzma"
    with plain.open("rb") as src, lzma.open(packed, "wb", format=lzma.FORMAT_ALONE,
                                            preset=0) as dest:
        shutil.copyfileobj(src, dest)
    site = DumpSite(packed)
    count, peak = pages_and_peak(site)
    assert count == 20_000
    assert peak < 1_000_000


def test_xz_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "dump.xml"
    path.write_bytes(lzma.compress(V11.read_bytes()))
    assert DumpSite(path).compression == "xz"
    assert len(list(DumpSite(path).iter_pages())) == 3


# --- the newest revision ------------------------------------------------------------------


def test_the_newest_revision_wins_wherever_it_stands_in_the_file() -> None:
    [mixeur] = DumpSite(HISTORY).pages(["Le Mixeur"])
    assert (mixeur.revid, mixeur.timestamp) == (3002, "2021-06-01T00:00:00Z")
    assert mixeur.text == "Version la plus récente.\n[[Catégorie:Tiers-lieu]]"


def test_on_a_timestamp_tie_the_larger_revision_id_wins() -> None:
    [fabrique] = DumpSite(HISTORY).pages(["La Fabrique"])
    assert (fabrique.revid, fabrique.text) == (3021, "Même seconde, id le plus grand.")


def test_categories_and_changes_come_from_the_newest_revision() -> None:
    site = DumpSite(HISTORY)
    assert [p.title for p in site.category_pages("Tiers-lieu")] == ["Le Mixeur"]
    assert list(site.category_pages("Brouillon")) == []
    assert site.changed_since("2021-05-15T00:00:00Z") == ["Le Mixeur", "La Fabrique"]
    assert site.changed_since("2022-01-01T00:00:00Z") == ["La Fabrique"]


def test_revisions_without_timestamp_or_id_count_as_oldest(tmp_path: Path) -> None:
    page = ("<page><title>P</title><ns>0</ns><id>1</id>"
            '<revision><id>9</id><text xml:space="preserve">sans date</text></revision>'
            "<revision><timestamp>2020-01-01T00:00:00Z</timestamp>"
            '<text xml:space="preserve">sans id</text></revision>'
            "<revision><id>2</id><timestamp>hier</timestamp>"
            '<text xml:space="preserve">date illisible</text></revision></page>')
    [p] = DumpSite(xml_dump(tmp_path / "d.xml", page)).iter_pages()
    assert (p.text, p.revid) == ("sans id", None)


def test_a_long_history_keeps_one_revision_in_memory(tmp_path: Path) -> None:
    n = 20_000
    seconds = [i * 7919 % n for i in range(n)]  # every second once, out of order
    path = tmp_path / "history.xml"
    with path.open("w", encoding="utf-8") as f:
        f.write(f'<mediawiki xmlns="{NS11}" version="0.11"><page><title>P</title><ns>0</ns>')
        for i, s in enumerate(seconds):
            f.write(f"<revision><id>{i + 1}</id><timestamp>2020-01-01T{s // 3600:02d}:"
                    f"{s // 60 % 60:02d}:{s % 60:02d}Z</timestamp><text xml:space=\"preserve\">"
                    f"{f'Révision {i}. ' * 30}</text></revision>\n")
        f.write("</page></mediawiki>\n")
    assert path.stat().st_size > 8_000_000
    site = DumpSite(path)
    tracemalloc.start()
    try:
        [page] = site.iter_pages()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    newest = seconds.index(n - 1)
    assert 0 < newest < n - 1
    assert (page.revid, page.timestamp) == (newest + 1, "2020-01-01T05:33:19Z")
    assert page.text == f"Révision {newest}. " * 30
    assert peak < 1_000_000


# --- namespaces ---------------------------------------------------------------------------


V3_PAGES = [
    ("Le Mixeur", 0), ("Catégorie:Tiers-lieu", 14), ("Modèle:Tiers-Lieu", 10),
    ("Discussion Utilisateur:Alice", 3), ("Mode d'emploi: un tiers-lieu en 10 étapes", 0),
]


def test_pages_without_ns_take_it_from_the_siteinfo_namespaces() -> None:
    assert titles_and_ns(DumpSite(V3)) == V3_PAGES


def test_without_siteinfo_namespaces_every_page_is_in_namespace_0(tmp_path: Path) -> None:
    data = V3.read_text(encoding="utf-8")
    start, end = data.index("<siteinfo>"), data.index("</siteinfo>") + len("</siteinfo>")
    path = tmp_path / "dump.xml"
    path.write_text(data[:start] + data[end:], encoding="utf-8")
    assert titles_and_ns(DumpSite(path)) == [(t, 0) for t, _ in V3_PAGES]


def test_an_ns_element_wins_over_the_title_prefix(tmp_path: Path) -> None:
    siteinfo = ('<siteinfo><namespaces><namespace key="14">Catégorie</namespace>'
                "</namespaces></siteinfo>")
    page = ("<page><title>Catégorie:X</title><ns>4</ns><id>1</id><revision><id>1</id>"
            '<text xml:space="preserve">x</text></revision></page>')
    assert titles_and_ns(DumpSite(xml_dump(tmp_path / "d.xml", page, siteinfo=siteinfo))) == [
        ("Catégorie:X", 4)]


def test_the_title_prefix_is_matched_as_mediawiki_does(tmp_path: Path) -> None:
    siteinfo = ('<siteinfo><namespaces><namespace key="15">Discussion catégorie</namespace>'
                "</namespaces></siteinfo>")
    pages = [f"<page><title>{t}</title><id>{i}</id><revision><id>{i}</id>"
             '<text xml:space="preserve">x</text></revision></page>'
             for i, t in enumerate(["Discussion_catégorie:X", "discussion  Catégorie:Y",
                                    "Discussion:Z"], 1)]
    assert [ns for _, ns in titles_and_ns(DumpSite(xml_dump(tmp_path / "d.xml", *pages,
                                                            siteinfo=siteinfo)))] == [15, 15, 0]


def test_old_template_pages_are_not_content(tmp_path: Path) -> None:
    from movibot.sync.plan import is_content

    assert [p.title for p in DumpSite(V3).iter_pages() if is_content(p)] == [
        "Le Mixeur", "Mode d'emploi: un tiers-lieu en 10 étapes"]


@pytest.mark.parametrize("version", ["0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "0.10",
                                     "0.11"])
def test_every_export_schema_is_read(tmp_path: Path, version: str) -> None:
    data = V3.read_text(encoding="utf-8").replace("export-0.3", f"export-{version}").replace(
        'version="0.3"', f'version="{version}"')
    path = tmp_path / "dump.xml"
    path.write_text(data, encoding="utf-8")
    assert titles_and_ns(DumpSite(path)) == V3_PAGES


def test_a_0_11_revision_with_extra_slots_gives_its_main_slot(tmp_path: Path) -> None:
    page = ("<page><title>P</title><ns>0</ns><id>1</id><revision><id>1</id>"
            "<timestamp>2024-01-01T00:00:00Z</timestamp><origin>1</origin><model>wikitext</model>"
            '<format>text/x-wiki</format><text bytes="9" sha1="x" xml:space="preserve">principal'
            "</text><sha1>x</sha1><content><role>mediainfo</role><origin>1</origin>"
            "<model>wikibase-mediainfo</model><format>application/json</format>"
            '<text bytes="2" sha1="y" xml:space="preserve">{}</text></content></revision></page>')
    [p] = DumpSite(xml_dump(tmp_path / "d.xml", page)).iter_pages()
    assert p.text == "principal"


# --- the run's clock ----------------------------------------------------------------------


def test_the_offline_report_starts_at_the_run_s_clock(tmp_path: Path) -> None:
    config = Config()
    sources = [Source(s, load_schema(s.schema)) for s in config.sources]
    site = DumpSite(V11, clock=lambda: 1_733_050_000.0)
    report = run_offline(site, config, sources, tmp_path / "out", jobs=1, force=False)
    assert report.started == "2024-12-01T10:46:40Z"


def test_the_run_s_report_json_has_today_as_started(cli: Cli, tmp_path: Path) -> None:
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    result = cli("run", "--site", f"dump:{V10}", "--out",
                 str(tmp_path / "out"))
    after = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert before <= report["started"] <= after


def test_a_dump_removed_after_the_site_was_made_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "dump.xml.lzma"
    shutil.copyfile(LZMA, path)
    site = DumpSite(path)
    path.unlink()
    with pytest.raises(WikiError) as info:
        list(site.iter_pages())
    assert str(info.value) == f"{path}: cannot read the dump: No such file or directory"
