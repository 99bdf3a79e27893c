"""`movibot run --site dump:IN --out OUT.xml`: the planned pages as one MediaWiki import file
(schema 0.11), staged as the folder output is, any page text giving a well-formed file."""

from __future__ import annotations

import hashlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from commandline import Cli
from test_offline import files, make_dump

from movibot.sites.base import Page
from movibot.sync.importfile import ImportFile, revision_time
from movibot.wikitext.titles import title_to_filename

Q = "{http://www.mediawiki.org/xml/export-0.11/}"
SITE = Path(__file__).parents[1] / "fixtures" / "site"


def revisions(data: bytes) -> dict[str, dict[str, str]]:
    """Title -> the fields of its one revision (and the page's ns), from an import file."""
    out = {}
    for page in ET.fromstring(data).iter(Q + "page"):
        [revision] = page.findall(Q + "revision")
        fields = {e.tag[len(Q):]: e.text or "" for e in revision}
        fields["username"] = revision.findtext(f"{Q}contributor/{Q}username") or ""
        fields["ns"] = page.findtext(Q + "ns") or ""
        out[page.findtext(Q + "title") or ""] = fields
    return out


def mediawiki_sha1(text: str) -> str:
    number = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
    return digits.rjust(31, "0")


def test_the_import_file_holds_what_the_folder_output_holds(cli: Cli, tmp_path: Path) -> None:
    dump = make_dump(tmp_path / "dump.xml")
    assert cli("run", "--site", f"dump:{dump}", "--out", str(tmp_path / "dir")).exit_code == 0
    assert cli("run", "--site", f"dump:{dump}", "--out", str(tmp_path / "out.xml")).exit_code == 0
    written = revisions((tmp_path / "out.xml").read_bytes())
    assert {title_to_filename(t): r["text"] for t, r in written.items()} == files(tmp_path / "dir")
    beside = json.loads((tmp_path / "out.xml.report.json").read_text(encoding="utf-8"))
    inside = json.loads((tmp_path / "dir" / "report.json").read_text(encoding="utf-8"))
    assert beside["pages"] == inside["pages"] and beside["counts"] == inside["counts"]


def test_each_revision_has_the_bot_the_summary_its_time_and_sha1(cli: Cli, tmp_path: Path
                                                                  ) -> None:
    dump = make_dump(tmp_path / "dump.xml")
    cli("run", "--site", f"dump:{dump}", "--out", str(tmp_path / "out.xml"))
    written = revisions((tmp_path / "out.xml").read_bytes())
    started = json.loads((tmp_path / "out.xml.report.json").read_text())["started"]
    lieu, category = written["Le Lieu Test"], written["Catégorie:Tiers-Lieux"]
    assert (lieu["username"], lieu["comment"], lieu["ns"]) == (
        "Movibot", "movibot 0.1.0 : mise à jour de l'infobox", "0")
    # make_dump dates the sorted files' revisions 2024-01-01, -02, -03 with ids 101, 102, 103
    assert (lieu["timestamp"], lieu["parentid"]) == ("2024-01-02T00:00:01Z", "102")
    assert (category["timestamp"], category["comment"], category["ns"]) == (
        started, "movibot 0.1.0 : création de la catégorie", "14")
    assert "parentid" not in category
    assert all(r["sha1"] == mediawiki_sha1(r["text"]) for r in written.values())
    assert [r["id"] for r in written.values()] == [str(i) for i in range(1, len(written) + 1)]


ODD = ["a ]]> b", "<![CDATA[x]]>", "&amp; &lt; <b>", "a\r\nb\rc", "tab\there",
       "\U0001F600 é \u2028 \ufffd", "", "\x7f\x85"]
UNFIT = ["nul \x00", "esc \x1b[0m", "lone \ud800 surrogate", "\uffff", "form\x0cfeed"]


def test_any_page_text_gives_a_well_formed_file_or_a_refusal() -> None:
    file = io.BytesIO()
    writer = ImportFile(file, "Bot<&>", "2026-01-01T00:00:00Z")
    writer.start()
    refused = {}
    for i, text in enumerate(ODD + UNFIT):
        problem = writer.write(Page(f"P{i}", "", exists=False), ("x", text), "résumé ]]> &")
        if problem is not None:
            refused[text] = (problem.code, problem.message)
    writer.finish()
    written = revisions(file.getvalue())
    assert {r["text"] for r in written.values()} == {"x" + t for t in ODD}
    assert {r["username"] for r in written.values()} == {"Bot<&>"}
    assert refused == {t: ("E605", f"U+{ord(c):04X} (character {2 + t.index(c)}): a character "
                               "XML 1.0 cannot carry (the page cannot be in an import file)")
                       for t, c in zip(UNFIT, "\x00\x1b\ud800\uffff\x0c", strict=True)}
    assert [r["id"] for r in written.values()] == [str(i) for i in range(1, len(ODD) + 1)]


def test_a_page_xml_cannot_carry_is_left_out_and_reported(cli: Cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for f in SITE.glob("*.wiki"):
        (site / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    lieu = site / "Le_Lieu_Test.wiki"
    lieu.write_text(lieu.read_text(encoding="utf-8") + "Fin\x1b.\n", encoding="utf-8")
    result = cli("run", "--site", str(site), "--out", str(tmp_path / "out.xml"))
    assert result.exit_code == 1
    assert "Le Lieu Test" not in revisions((tmp_path / "out.xml").read_bytes())
    report = json.loads((tmp_path / "out.xml.report.json").read_text(encoding="utf-8"))
    [page] = [p for p in report["pages"] if p["title"] == "Le Lieu Test"]
    assert page["status"] == "error"
    assert page["message"].startswith("E605 U+001B: a character XML 1.0 cannot carry")
    assert "Le Lieu Test" in result.output  # the line of a page that needs a person


def test_a_failed_run_leaves_the_import_file_as_it_was(cli: Cli, tmp_path: Path) -> None:
    dump, out = make_dump(tmp_path / "dump.xml"), tmp_path / "out.xml"
    cli("run", "--site", f"dump:{dump}", "--out", str(out))
    before = out.read_bytes()
    dump.write_bytes(dump.read_bytes()[:-200])  # truncated
    result = cli("run", "--site", f"dump:{dump}", "--out", str(out))
    assert result.exit_code == 1
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.xml", "out.xml",
                                                          "out.xml.report.json"]
    report = json.loads((tmp_path / "out.xml.report.json").read_text(encoding="utf-8"))
    assert report["halted"].endswith(f"; {out} left as it was")


@pytest.mark.parametrize("there", ["a file", "a folder"])
def test_a_file_movibot_did_not_write_is_never_replaced(cli: Cli, tmp_path: Path, there: str
                                                        ) -> None:
    dump, out = make_dump(tmp_path / "dump.xml"), tmp_path / "out.xml"
    if there == "a file":
        out.write_text("<notes/>", encoding="utf-8")
    else:
        out.mkdir()
    result = cli("run", "--site", f"dump:{dump}", "--out", str(out))
    assert (result.exit_code, result.output) == (
        2, f"Error: --out {out} exists and is not an output of movibot: give a new file\n")
    assert out.is_dir() if there == "a folder" else out.read_text() == "<notes/>"


def test_an_out_folder_that_is_a_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    dump, out = make_dump(tmp_path / "dump.xml"), tmp_path / "out"
    out.write_text("à garder", encoding="utf-8")
    result = cli("run", "--site", f"dump:{dump}", "--out", str(out))
    assert (result.exit_code, result.output) == (
        2, f"Error: --out {out} is a file: give a new or empty folder\n")
    assert out.read_text(encoding="utf-8") == "à garder"


@pytest.mark.parametrize(("timestamp", "dated"), [
    ("2024-01-02T00:00:00Z", "2024-01-02T00:00:01Z"),
    (" 2024-01-02T10:20:58Z", "2024-01-02T10:20:59Z"),
    ("2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z"),
    ("2024-02-29T23:59:59Z", "2024-03-01T00:00:00Z"),
    ("2023-02-29T10:00:00Z", "STARTED"),
    ("2024-01-02T24:00:00Z", "STARTED"),
    ("not a date", "STARTED"),
])
def test_a_revision_is_dated_a_second_after_its_base(timestamp: str, dated: str) -> None:
    page = Page("Lieu", "text", exists=True, timestamp=timestamp)
    assert revision_time(page, "STARTED") == dated
