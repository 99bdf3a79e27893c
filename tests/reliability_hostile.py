"""Lieu pages whose fields carry markup a vandal would try to get copied by the bot onto many
pages: template calls, categories, comments and movibot markers, tables, HTML, javascript:
links, signatures, magic words (also as type and région values, which must make no category),
substitutions. Some are hidden in <nowiki> (the source page does
not use them: only the bot could), some are plain (the source page itself uses them).

PLAIN_CATEGORIES are the only categories the infoboxes may add: the type and région values
written as plain words.
"""

from __future__ import annotations

SECTIONS = ("\n== Communauté ==\nDes gens.\n== Territoire ==\nUn quartier.\n"
            "== Processus ==\nDes ateliers.\n\n[[Catégorie:Tiers-Lieux]]")
COSTS = "| surface totale = 200 m²\n| coût infrastructure = 1 000 €\n| coût services = 500 €\n"


def lieu(body: str, after: str = "") -> str:
    return "{{Tiers-Lieu\n" + body + COSTS + "}}" + after + "\nUn lieu piégé." + SECTIONS


HOSTILE_PAGES = {
    "Lieu piégé nowiki": lieu(
        "| nom = <nowiki>}}{{Supprimer}}</nowiki>\n"
        "| ville = <nowiki>[[Catégorie:Spam]]</nowiki> <nowiki>__NOINDEX__</nowiki>\n"
        "| région = <nowiki>{{subst:Supprimer}}</nowiki>\n"
        "| type = coworking, <nowiki>[[Catégorie:Spam]]</nowiki>, <nowiki>{|</nowiki>,"
        " <nowiki>}}{{Supprimer}}</nowiki>, <nowiki>[[Modèle:Supprimer]]</nowiki>\n"
        "| adresse = <nowiki>--></nowiki> &lt;!-- x --&gt;\n"
        "| statut juridique = <nowiki>~~~~</nowiki> <nowiki>{{{1}}}</nowiki>\n"),
    "Lieu piégé au commentaire": lieu(
        "| nom = Lieu commenté\n| ville = Caen\n| type = coworking\n"
        "| adresse = <nowiki>-->{{Supprimer}}<!--</nowiki>\n"),
    "Lieu piégé en clair": lieu(
        "| nom = <script>alert('nom')</script> [javascript:alert(1) clic]\n"
        "| ville = [[Catégorie:Spam]] __NOINDEX__ __NOTOC__ [[Supprimer]]\n"
        "| région = Bretagne\n"
        "| type = fablab, {{Supprimer}}, [[Catégorie:Spam]]\n"
        "| adresse = {|\n|-\n| cellule\n|}\n"
        "| statut juridique = {{#if:x|{{Supprimer}}}} '''gras''' <div style='x'>\n"
        "| site web = https://exemple.org/javascript:alert(1)?a=b&c=d\n"
        "| code postal = 35000\n"),
    "Lieu piégé signé": lieu(
        "| nom = Lieu signé\n| ville = Brest\n| type = fablab\n"
        "| statut juridique = ~~~~ {{subst:Supprimer}}\n"),
    "Lieu piégé au modèle fermé": lieu(
        "| nom = Lieu fermé tôt\n| ville = Lyon }}{{Supprimer}}\n"
        "| type = atelier\n"),
    "Lieu piégé au marqueur": lieu(
        "| nom = <!-- movibot:end infobox --> Marqueur\n| ville = Rennes\n| type = EPN\n"),
    "Lieu ''penché'' & Cie": lieu(
        "| nom = Lieu ''penché'' & Cie\n| ville = Ville '''grasse'''\n| type = repair café\n"
        "| région = Occitanie\n"),
    "Lieu piégé au mot magique": lieu(
        "| nom = Lieu magique\n| ville = Lille\n| région = __HIDDENCAT__\n"
        "| type = fablab, __NOINDEX__, <nowiki>__NOTOC__</nowiki>\n"),
    "Lieu sain": lieu("| nom = Lieu sain\n| ville = Nantes\n| type = coworking\n"
                      "| région = Pays de la Loire\n"),
}
# Pages the bot must leave exactly as they are, and their status.
LEFT_ALONE = {"Lieu piégé signé": "invalid", "Lieu piégé au marqueur": "block-malformed",
              "Lieu piégé au commentaire": "block-malformed"}

PLAIN_CATEGORIES = {"Coworking", "Fablab", "Atelier", "EPN", "Repair café", "Bretagne",
                    "Occitanie", "Pays de la Loire"}
# The categories the bot keeps whatever the pages say: the sources' and the schema's parents.
PARENT_CATEGORIES = {"Portails", "Tiers-Lieux", "Fiches méthodologiques", "Types de tiers-lieux",
                     "Tiers-lieux par région"}
