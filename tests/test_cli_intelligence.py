"""The authority and link commands end to end on the seed cable (a CLI run per step)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opis.cli import app

SEED = "wilson-1947-09-12-incoming-cable-no-16-malik-to-cde-stalin"
JOINT = "org/us-soviet-joint-commission"


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-links") / "home"
    result = CliRunner().invoke(app, ["ingest", "--home", str(folder), str(corpus / "wilson")])
    assert result.exit_code == 0, result.output
    assert "links: 2 records linked" in result.output
    return folder


def run(home: Path, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--home", str(home)])
    assert result.exit_code == 0, result.output
    return result.output


def test_entities_refs_and_authority_as_json(home: Path) -> None:
    names = json.loads(run(home, "entities", SEED, "--json"))
    agents = {n["authority_id"] for n in names if n["field"] == "transmission"}
    assert agents == {"person/candidate/nezlobin"}
    refs = json.loads(run(home, "refs", SEED, "--json"))
    labels = [t["label"] for r in refs["outgoing"] for t in r["targets"]]
    assert "V.M. Molotov's letter of 4 September 1947" in labels
    [stalin] = json.loads(run(home, "authority", "Сталин", "--json"))
    assert stalin["authority"]["id"] == "person/stalin-iosif-vissarionovich"
    assert {d["record_id"] for d in stalin["documents"]} == {SEED, "wilson-transcript-33548"}
    assert json.loads(run(home, "thread", SEED, "--json")) == [
        {
            "id": SEED,
            "date": "1947-09-12",
            "title": "Incoming Cable No. 16, Malik to Cde. Stalin",
        }
    ]


def test_a_curator_corrects_a_link_and_it_survives_relinking(home: Path) -> None:
    names = json.loads(run(home, "entities", SEED, "--json"))
    bare = next(
        i
        for i, n in enumerate(n for n in names if n["field"] == "mentions")
        if n["text"] == "Commission"
    )
    assert names[[n["field"] for n in names].index("mentions") + bare]["status"] == "candidate"
    run(home, "correct-link", SEED, "mentions", str(bare), JOINT)
    run(home, "link", "--full")
    after = [
        n for n in json.loads(run(home, "entities", SEED, "--json")) if n["field"] == "mentions"
    ]
    assert (after[bare]["authority_id"], after[bare]["method"]) == (JOINT, "curator")


def test_a_curator_merges_a_candidate_into_an_authority(home: Path) -> None:
    candidate = "org/candidate/provisional-korean-democratic-government"
    output = run(home, "merge-authorities", candidate, JOINT)
    assert f"merged {candidate} into {JOINT}" in output
    [merged] = json.loads(run(home, "authority", candidate, "--json"))
    assert merged["authority"]["id"] == JOINT
    result = CliRunner().invoke(app, ["merge-authorities", JOINT, JOINT, "--home", str(home)])
    assert result.exit_code == 1 and "cannot merge" in result.output


def test_a_curator_splits_an_authority_then_undoes_it(home: Path) -> None:
    stalin = "person/stalin-iosif-vissarionovich"
    output = run(home, "split-authority", stalin, "Filippov", "Филиппов", "--name", "Filippov")
    assert f"split {stalin}: Filippov, Филиппов -> person/curated/filippov" in output
    assert "linked " in output  # the link pass ran with the new record
    [filippov] = json.loads(run(home, "authority", "Филиппов", "--json"))
    assert filippov["authority"]["id"] == "person/curated/filippov"
    [still] = json.loads(run(home, "authority", "Сталин", "--json"))
    assert still["authority"]["id"] == stalin
    assert SEED in {d["record_id"] for d in still["documents"]}
    listed = json.loads(run(home, "curations", "--json"))
    assert [(c["action"], c.get("new_id")) for c in listed][-1] == (
        "split",
        "person/curated/filippov",
    )
    assert "undid split" in run(home, "undo-curation")
    [back] = json.loads(run(home, "authority", "Filippov", "--json"))
    assert back["authority"]["id"] == stalin
    failed = CliRunner().invoke(app, ["split-authority", stalin, "Beria", "--home", str(home)])
    assert failed.exit_code == 1 and "no name 'beria'" in failed.output
