"""The catalogue of labs: enough of them to cover the course, each complete in English and French, quick to hand
out, shown in the course from its own lab.yaml, and each proved by its reference solution."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from stalkerlab.course.layout import CourseLayout
from stalkerlab.course.structure import command_problems, prose_language, safety_problems
from stalkerlab.labs.course_page import lab_page_markdown, labs_index_markdown, portal_lab_url
from stalkerlab.labs.definition import LANGUAGES, Text, lab_ids, load_all
from stalkerlab.labs.solutions import solve

LABS = load_all()
COURSE = CourseLayout.find()
# Module 0 is orientation and module 6 is about accounts and the cloud, which a simulated phone does not hold.
MODULES_WITH_LABS = {1, 2, 3, 4, 5, 7, 8, 9, 10}
MAX_CAPTURE_MIN = 20   # a class's handouts are generated on demand: each variant must be quick to simulate


def _texts(lab) -> list[tuple[str, Text]]:
    """Every piece of text a learner or instructor reads in a lab, with where it is."""
    found = [("title", lab.title)] + [(f"outcomes[{i}]", o) for i, o in enumerate(lab.outcomes)]
    for task in lab.tasks:
        found.append((f"{task.id}.question", task.question))
        found += [(f"{task.id}.choices.{c.id}", c.label) for c in task.answer.choices]
        found += [(f"{task.id}.rubric[{i}]", r) for i, r in enumerate(task.answer.rubric)]
        found += [(f"{task.id}.hints[{i}]", h.text) for i, h in enumerate(task.hints)]
        found += [(f"{task.id}.feedback.{name}", t) for name, t in (("right", task.right), ("wrong", task.wrong)) if t]
        found += [(f"{task.id}.feedback.typical[{i}]", w.say) for i, w in enumerate(task.typical)]
    return found


def test_at_least_twelve_labs_and_every_track_has_some():
    assert len(LABS) >= 12
    for track in ("police", "support-workers", "instructors"):
        assert len([lab for lab in LABS if track in lab.tracks]) >= 5, track
    # support workers without a command line: at least one lab answered from the report in a browser
    assert any(lab.receives.files == ("report",) and "support-workers" in lab.tracks for lab in LABS)


def test_the_labs_cover_the_course_modules_they_name():
    covered = set()
    for lab in LABS:
        for module in lab.modules:
            assert (COURSE.docs_dir / module).is_file(), f"{lab.id}: {module} is not a page of the course"
            covered.add(int(re.match(r"modules/(\d+)-", module).group(1)))
    assert MODULES_WITH_LABS <= covered, MODULES_WITH_LABS - covered


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_every_text_is_in_both_languages_and_reads_as_its_language(lab):
    missing = [where for where, text in _texts(lab) if set(text.by_language) != set(LANGUAGES)]
    assert not missing, f"{lab.id}: no French for {missing}"
    for language, fictional in (("en", "fictional"), ("fr", "fictifs")):
        assert fictional in lab.text(language), f"{lab.id}: text.{language}.md must say the case is fictional"
        assert prose_language(lab.text(language)) == language, f"{lab.id}: text.{language}.md"
        assert prose_language(lab_page_markdown(lab, language)) == language, f"{lab.id}: {language} page"


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_every_variant_is_quick_to_hand_out(lab):
    from stalkerlab.simulator.world.catalogue import Catalogue

    catalogue = Catalogue()
    for choice in lab.receives.scenarios:
        minutes = choice.duration_min or catalogue.scenario(lab.scenario_ref(choice)).duration_s / 60
        assert minutes <= MAX_CAPTURE_MIN, f"{lab.id}: {choice.scenario} lasts {minutes} minutes"


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_the_course_page_is_safe_portable_and_links_to_the_portal_only_when_one_is_set(lab):
    for language in LANGUAGES:
        page = lab_page_markdown(lab, language)
        wrong_choices = {f"`{c.id}`" for t in lab.tasks for c in t.answer.choices
                         if t.answer.expected and t.answer.expected.origin == "value"
                         and c.id not in (t.answer.expected.value if isinstance(t.answer.expected.value, list)
                                          else [t.answer.expected.value])}
        # like the course's quizzes, a wrong choice is a distractor shown to be weighed: the rule reads the rest
        prose = "\n".join(line for line in page.splitlines() if not any(c in line for c in wrong_choices))
        assert not safety_problems(prose, f"labs/{lab.id}.{language}"), safety_problems(prose, lab.id)
        assert not command_problems(page, f"labs/{lab.id}.{language}")
        assert f"stalkerlab labs handout {lab.id} --learner" in page
        assert "portal" not in page.split("##")[0]
        linked = lab_page_markdown(lab, language, "https://class.example.org/")
        assert f"({portal_lab_url('https://class.example.org/', lab.id)})" in linked
        assert "https://class.example.org/labs/" + lab.id in linked


def test_every_lab_has_its_page_in_both_languages_and_in_the_menu():
    nav = yaml.safe_load(re.sub(r"!!?\S+", "", COURSE.config_file.read_text(encoding="utf-8")))["nav"]
    labs_menu = next(section["Labs"] for section in nav if isinstance(section, dict) and "Labs" in section)
    assert labs_menu == ["labs/index.md"] + [f"labs/{lab.id}.md" for lab in
                                             sorted(LABS, key=lambda lab: (lab.modules[0], lab.id))]
    for lab_id in lab_ids():
        for suffix, include in (("", "abbreviations.md"), (".fr", "abbreviations.fr.md")):
            stub = (COURSE.docs_dir / "labs" / f"{lab_id}{suffix}.md").read_text(encoding="utf-8")
            assert stub.startswith(f"---\nlab: {lab_id}\n---\n") and f'--8<-- "{include}"' in stub
    index = labs_index_markdown(LABS, "fr")
    assert index.startswith("# Exercices") and all(f"]({lab.id}.md)" in index for lab in LABS)


def _seeds(lab) -> list[int]:
    """Two seeds, and for a pool one seed per scenario (seeds cycle through the pool)."""
    return sorted({4, 5} | set(range(6, 6 + len(lab.receives.scenarios)))) if len(lab.receives.scenarios) > 1 \
        else [4, 5]


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_the_reference_solution_gets_full_marks_from_the_learners_files(lab, tmp_path):
    for seed in _seeds(lab):
        result = solve(lab, seed, tmp_path)
        assert result.full_marks, f"{lab.id} seed {seed}: {result.failures()}"


@pytest.mark.slow
def test_the_built_course_shows_each_lab_from_its_definition(tmp_path):
    from stalkerlab.course.site_build import build_site

    config = tmp_path / "course" / "mkdocs.yml"
    shutil.copytree(COURSE.course_dir, config.parent, ignore=shutil.ignore_patterns("node_modules"))
    text = config.read_text(encoding="utf-8").replace("  generator: false\n",
                                                      "  generator: false\n  portal_url: https://class.example.org\n")
    config.write_text(text, encoding="utf-8")
    site = build_site(CourseLayout.find(config), tmp_path / "site")
    lab = next(lab for lab in LABS if lab.id == "kind-of-monitoring")
    english = (site / "labs" / f"{lab.id}.html").read_text(encoding="utf-8")
    french = (site / "fr" / "labs" / f"{lab.id}.html").read_text(encoding="utf-8")
    assert lab.title("en") in english and "https://class.example.org/labs/kind-of-monitoring" in english
    assert '<html lang="fr"' in french and "Commencer cet exercice" in french
    assert "stalkerlab labs handout kind-of-monitoring --learner VOTRE-NOM" in french
