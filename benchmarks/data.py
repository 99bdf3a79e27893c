"""Synthetic, seeded Movilab content for the benchmarks: lieu pages and XML dumps.

Every lieu page uses the default template (`{{Tiers-Lieu | nom | ville | type | surface totale |
coût infrastructure | coût services}}`, plus a région on most) and `[[Catégorie:Tiers-Lieux]]`.
About one page in 50 is hostile or malformed (injection attempts, {{nobots}}, an unclosed
template, an unreadable or duplicated value, a huge value), in a fixed rotation so that every
kind shows up in the smallest run. Same seed, same pages, byte for byte.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

CATEGORY = "Tiers-Lieux"
HOSTILE_EVERY = 50
VILLES = ("Lyon", "Saint-Étienne", "Marseille", "Lille", "Nantes", "Rennes", "Bordeaux",
          "Toulouse", "Strasbourg", "Brest", "Grenoble", "Dijon", "Besançon", "Poitiers",
          "Limoges", "Clermont-Ferrand", "Ajaccio", "Metz", "Caen", "Orléans")
REGIONS = ("Auvergne-Rhône-Alpes", "Provence-Alpes-Côte d'Azur", "Hauts-de-France",
           "Pays de la Loire", "Bretagne", "Nouvelle-Aquitaine", "Occitanie", "Grand Est",
           "Bourgogne-Franche-Comté", "Normandie", "Centre-Val de Loire", "Corse")
TYPES = ("coworking", "fablab", "hackerspace", "EPN", "repair café", "atelier",
         "café associatif", "tiers-lieu rural", "living lab", "pépinière")
PROSE = ("Un lieu ouvert aux habitants du quartier.", "Des ateliers chaque semaine.",
         "Une communauté d'une trentaine de membres actifs.", "Un jardin partagé.",
         "La gouvernance est collégiale.", "Les outils sont en accès libre.")
HOSTILE = (
    # value trying to close the template and inject a category, HTML and a magic word
    "injection", "marker", "nobots", "unclosed", "unreadable", "duplicate", "huge",
)


def lieu_title(i: int) -> str:
    """The title of the i-th synthetic lieu."""
    return f"Tiers-lieu synthétique {i:06d}"


def lieu_text(i: int, seed: int = 7) -> str:
    """The wikitext of the i-th lieu: a normal page, or every HOSTILE_EVERY-th a hostile one."""
    rnd = random.Random(seed * 1_000_003 + i)
    fields = {
        "nom": f"Lieu {i} de {rnd.choice(VILLES)}",
        "ville": rnd.choice(VILLES),
        "type": ", ".join(rnd.sample(TYPES, rnd.randint(1, 2))),
        "surface totale": f"{rnd.randint(40, 2000)} m²",
        "coût infrastructure": f"{rnd.randint(2, 300) * 50:,} €".replace(",", " "),
        "coût services": f"{rnd.randint(1, 200) * 25},{rnd.choice(('00', '50'))} €",
    }
    if rnd.random() < 0.8:
        fields["région"] = rnd.choice(REGIONS)
    kind = HOSTILE[(i // HOSTILE_EVERY) % len(HOSTILE)] if i % HOSTILE_EVERY == 7 else None
    head = ""
    if kind == "injection":
        fields["nom"] = ("<script>alert(1)</script>{{!}}[[Catégorie:Piratée]]__NOTOC__"
                         "{{PAGENAME}}&lt;!-- movibot")
    elif kind == "marker":
        fields["ville"] = "Lyon<!-- movibot:begin infobox sha1=000000000000 -->"
    elif kind == "nobots":
        head = "{{nobots}}\n"
    elif kind == "unreadable":
        fields["surface totale"] = "environ trois cents"
    elif kind == "huge":
        fields["nom"] = "Lieu " + "très " * 2000 + "grand"
    params = "".join(f"| {k} = {v}\n" for k, v in fields.items())
    if kind == "duplicate":
        params += "| ville = Paris\n"
    close = "" if kind == "unclosed" else "}}\n"
    sections = "".join(f"\n== {s} ==\n{rnd.choice(PROSE)}\n"
                       for s in ("Communauté", "Territoire", "Processus"))
    return (f"{head}{{{{Tiers-Lieu\n{params}{close}{rnd.choice(PROSE)}\n{sections}\n"
            f"[[Catégorie:{CATEGORY}]]\n")


def lieu_pages(n: int, seed: int = 7) -> dict[str, str]:
    """{title: text} of n lieux."""
    return {lieu_title(i): lieu_text(i, seed) for i in range(1, n + 1)}


def write_dump(path: Path, n: int, seed: int = 7) -> Path:
    """Write an XML export (schema 0.11) of n lieux to `path`, streaming; returns `path`."""
    with open(path, "w", encoding="utf-8") as out:
        out.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" '
                  'xml:lang="fr">\n<siteinfo><sitename>Movilab synthétique</sitename>'
                  "<dbname>movibench</dbname></siteinfo>\n")
        for entry in _dump_entries(n, seed):
            out.write(entry)
        out.write("</mediawiki>\n")
    return path


def _dump_entries(n: int, seed: int) -> Iterator[str]:
    for i in range(1, n + 1):
        yield (f"<page><title>{escape(lieu_title(i))}</title><ns>0</ns><id>{i}</id>"
               f"<revision><id>{i + 1_000_000}</id><timestamp>2024-01-01T00:00:00Z</timestamp>"
               "<contributor><username>Admin</username></contributor><model>wikitext</model>"
               f'<format>text/x-wiki</format><text xml:space="preserve">'
               f"{escape(lieu_text(i, seed))}</text></revision></page>\n")
