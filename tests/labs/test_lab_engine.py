"""The lab pipeline through its public parts: definitions, learners' variants, expected answers, checking,
handouts and reference solutions."""

from __future__ import annotations

import json
import shutil

import pytest
from stalkerlab.labs.checking import PARTLY, RIGHT, TO_MARK, UNREADABLE, WRONG, check, is_right
from stalkerlab.labs.definition import LABS_DIR, find_lab, lab_ids, load_lab
from stalkerlab.labs.expected import answer_key
from stalkerlab.labs.variants import learner_seed, make_variant

from stalkerlab.common.errors import UserError
from stalkerlab.common.owned_output import MARKER

SECRET = b"classroom secret for the tests, 32 bytes"


@pytest.fixture(scope="module")
def c2_lab():
    return find_lab("c2-in-a-capture")


@pytest.fixture(scope="module")
def two_learners(c2_lab, tmp_path_factory):
    """The variants of two learners of one classroom."""
    root = tmp_path_factory.mktemp("variants")
    return [make_variant(c2_lab, learner_seed(SECRET, name, c2_lab.id), root / name) for name in ("ana", "ben")]


def test_every_lab_in_the_catalogue_loads():
    assert lab_ids(), "no lab in labs/"
    for lab_id in lab_ids():
        lab = find_lab(lab_id)
        assert lab.points > 0 and lab.text("en") and lab.title("fr")


def test_seeds_are_per_learner_and_lab_and_depend_on_the_secret():
    seeds = {learner_seed(SECRET, learner, lab) for learner in ("ana", "ben") for lab in ("a", "b")}
    assert len(seeds) == 4
    assert learner_seed(SECRET, "ana", "a") == learner_seed(SECRET, "ana", "a")
    assert learner_seed(b"another classroom's secret", "ana", "a") != learner_seed(SECRET, "ana", "a")


@pytest.mark.slow
def test_learners_get_their_own_answers_and_a_copied_answer_is_recognisable(c2_lab, two_learners):
    ana, ben = (answer_key(v) for v in two_learners)
    assert ana["first-contact"].value != ben["first-contact"].value
    task = c2_lab.task("first-contact")
    bens_answer = ben["first-contact"].value
    assert is_right(task, ben["first-contact"], bens_answer)
    assert not is_right(task, ana["first-contact"], bens_answer)   # wrong for Ana: her files differ


@pytest.mark.slow
def test_the_learner_folder_holds_evidence_and_never_the_key(two_learners):
    variant = two_learners[0]
    names = {p.relative_to(variant.learner_dir).as_posix() for p in variant.learner_files()}
    assert names == {"capture.pcap", "stimuli.json"}
    assert variant.truth["expected_verdict"] == "stalkerware" and variant.report["verdict"] == "stalkerware"


@pytest.mark.slow
def test_checking_gives_credit_feedback_and_spares_attempts_on_unreadable_input(c2_lab, two_learners):
    key = answer_key(two_learners[0])
    names = c2_lab.task("c2-names")
    domains = key["c2-names"].value
    assert check(names, key["c2-names"], "\n".join(d.upper() + "." for d in domains)).status == RIGHT
    partly = check(names, key["c2-names"], domains[0])
    assert partly.status == PARTLY and 0 < partly.score < 1 and partly.counts_as_attempt
    assert check(names, key["c2-names"], "vendor.example").status == WRONG
    unreadable = check(c2_lab.task("first-contact"), key["first-contact"], "this morning")
    assert unreadable.status == UNREADABLE and not unreadable.counts_as_attempt
    assert "date and time" in unreadable.message
    french = check(c2_lab.task("first-contact"), key["first-contact"], "hier", language="fr")
    assert french.message.startswith("Cela ne ressemble pas")
    free = check(c2_lab.task("explain"), key["explain"], "The phone talked to the app's servers.")
    assert free.status == TO_MARK and not free.counts_as_attempt
    assert check(names, key["c2-names"], "x" * 5000).status == UNREADABLE


def test_a_broken_definition_is_one_line_naming_file_and_field(tmp_path):
    lab = tmp_path / "c2-in-a-capture"
    shutil.copytree(LABS_DIR / "c2-in-a-capture", lab)
    original = (lab / "lab.yaml").read_text()
    cases = [
        (original.replace("    points: 10\n    attempts: 3", "    points: many\n    attempts: 3", 1),
         "tasks[0].points: 'many' is not of type 'integer'"),
        (original.replace("level: intermediate", "level: expert"), "level: 'expert' is not one of"),
        (original.replace("id: c2-in-a-capture", "id: another-lab"), "must be the folder's name"),
        (original.replace("  - id: first-contact", "  - id: c2-names"),
         "tasks[1] (c2-names): the task id is used twice"),
        ("tasks: [unclosed\n", "not valid YAML"),
        (original.replace("expected: {from: truth, path: first_c2_time}", "expected: {from: truth}"),
         "answer.expected.path"),
    ]
    for text, message in cases:
        (lab / "lab.yaml").write_text(text)
        with pytest.raises(UserError) as refused:
            load_lab(lab)
        line = str(refused.value)
        assert str(lab / "lab.yaml") in line and message in line and "\n" not in line, line
    (lab / "lab.yaml").write_text(original)
    (lab / "solution.py").unlink()
    with pytest.raises(UserError, match="solution.py: missing"):
        load_lab(lab)


@pytest.mark.slow
def test_a_path_that_finds_nothing_names_the_lab_task_and_seed(c2_lab, two_learners, tmp_path):
    lab = tmp_path / "c2-in-a-capture"
    shutil.copytree(LABS_DIR / "c2-in-a-capture", lab)
    text = (lab / "lab.yaml").read_text().replace("path: first_c2_time", "path: first_c3_time")
    (lab / "lab.yaml").write_text(text)
    broken = load_lab(lab)
    variant = make_variant(broken, 1, tmp_path / "v")
    with pytest.raises(UserError, match=r"task first-contact: 'first_c3_time' finds nothing in truth \(seed 1\)"):
        answer_key(variant)


@pytest.mark.slow
def test_handout_cli_gives_files_and_questions_and_answers_only_to_the_instructor(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("STALKERLAB_CLASSROOM_SECRET", SECRET.decode())
    code, out, err = run_cli("labs", "handout", "c2-in-a-capture", "--learner", "ana", "--out", tmp_path / "ana")
    assert code == 0, err
    names = {p.relative_to(tmp_path / "ana").as_posix() for p in (tmp_path / "ana").rglob("*") if p.is_file()}
    assert names == {"capture.pcap", "stimuli.json", "questions.md", MARKER}
    questions = (tmp_path / "ana" / "questions.md").read_text()
    assert "Which server names" in questions and "a list, one item per line" in questions
    assert f"Seed: {learner_seed(SECRET, 'ana', 'c2-in-a-capture')}" in questions

    code, _, err = run_cli("labs", "handout", "c2-in-a-capture", "--learner", "ana", "--out", tmp_path / "ana",
                           "--with-answers", "--lang", "fr")
    assert code == 0, err
    answers = json.loads((tmp_path / "ana" / "answers.json").read_text())
    assert set(answers) == {"c2-names", "first-contact", "first-query-packet", "beacon-period", "explain"}
    assert "Quels" in (tmp_path / "ana" / "questions.md").read_text() or "Avec quels" in \
        (tmp_path / "ana" / "questions.md").read_text()

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("my own notes")
    code, _, err = run_cli("labs", "handout", "c2-in-a-capture", "--learner", "ana", "--out", tmp_path / "mine")
    assert code == 2 and "did not make" in err and "--force" in err, err
    assert (tmp_path / "mine" / "notes.txt").read_text() == "my own notes"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "staging left behind"
    code, _, err = run_cli("labs", "handout", "c2-in-a-capture", "--learner", "ana", "--out", tmp_path / "mine",
                           "--force")
    assert code == 0, err
    assert (tmp_path / "mine" / "notes.txt").read_text() == "my own notes"
    assert (tmp_path / "mine" / "questions.md").is_file()


def test_labs_cli_lists_shows_and_refuses_unknown_labs(run_cli):
    code, out, _ = run_cli("labs", "list")
    assert code == 0 and "c2-in-a-capture" in out
    code, out, _ = run_cli("labs", "show", "c2-in-a-capture", "--lang", "fr")
    assert code == 0 and "Trouver les serveurs" in out and "first_c2_time" not in out
    code, _, err = run_cli("labs", "show", "no-such-lab")
    assert code == 2 and "unknown lab 'no-such-lab'" in err


@pytest.mark.slow
def test_every_reference_solution_gets_full_marks_on_several_seeds(run_cli):
    """`stalkerlab labs validate`: no lab asks something its files do not show."""
    code, out, err = run_cli("labs", "validate", "--seeds", "11,12,13")
    assert code == 0, out + err
    assert out.count("full marks") == 3 * len(lab_ids())
