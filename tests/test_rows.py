"""The members-table row (movibot/rows.py): typed, read back from the state's JSON as written."""

from __future__ import annotations

import pytest

from movibot.rows import MemberRow

ROW = MemberRow("Le Mixeur", "lieu", nom="Le Mixeur", ville="Lyon", type=("coworking",),
                surface="300", cout_mensuel="2500.00", tarif_residents="11.11",
                categories=("Tiers-Lieux", "Coworking"), implied={"type": ("Coworking",)})


def test_a_row_reads_back_from_its_json() -> None:
    assert MemberRow.from_json(ROW.to_json()) == ROW


def test_the_json_keeps_the_state_file_keys() -> None:
    assert ROW.to_json() == {
        "title": "Le Mixeur", "kind": "lieu", "nom": "Le Mixeur", "ville": "Lyon",
        "type": ["coworking"], "surface": "300", "cout_mensuel": "2500.00",
        "tarif_residents": "11.11", "theme": [], "type_document": None, "maturite": None,
        "categories": ["Tiers-Lieux", "Coworking"], "implied": {"type": ["Coworking"]}}


@pytest.mark.parametrize(("raw", "why"), [
    ({"nom": "X"}, "not an object with a title"),
    ({"title": "X", "surface": 300}, "`surface` is not a text"),
    ({"title": "X", "type": "coworking"}, "`type` is not a list of texts"),
    ({"title": "X", "implied": {"type": [3]}}, "`implied.type` is not a list of texts"),
])
def test_a_row_of_the_wrong_shape_says_what_is_wrong(raw: dict[str, object], why: str) -> None:
    with pytest.raises(ValueError, match=why.replace(".", r"\.")):
        MemberRow.from_json(raw)
