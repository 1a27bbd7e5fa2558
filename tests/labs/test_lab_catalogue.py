"""The catalogue of labs: enough of them to cover the course, each complete in English and French, quick to hand
out, shown in the course from its own lab.yaml, and each proved by its reference solution."""

from __future__ import annotations

import importlib.util
import re
import shutil
from types import SimpleNamespace

import pytest
import yaml
from stalkerlab.course.layout import CourseLayout
from stalkerlab.course.structure import command_problems, prose_language, safety_problems
from stalkerlab.labs.course_page import lab_page_markdown, labs_index_markdown, page_files
from stalkerlab.labs.definition import LANGUAGES, Text, load_all
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
def test_the_course_page_is_safe_portable_and_gives_the_self_study_command(lab):
    for language in LANGUAGES:
        page = lab_page_markdown(lab, language)
        assert not safety_problems(page, f"labs/{lab.id}.{language}"), safety_problems(page, lab.id)
        assert not command_problems(page, f"labs/{lab.id}.{language}")
        assert f"stalkerlab labs handout {lab.id} --learner" in page


def test_the_course_shows_every_lab_from_its_definition_in_both_languages_and_in_the_menu():
    folder = COURSE.docs_dir / "labs"
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    stale = sorted(name for name, text in page_files(LABS).items() if on_disk.get(name) != text)
    assert not stale, f"run `stalkerlab labs pages`: {stale} differ from the lab definitions"
    assert set(on_disk) == set(page_files(LABS))
    nav = yaml.safe_load(re.sub(r"!!?\S+", "", COURSE.config_file.read_text(encoding="utf-8")))["nav"]
    labs_menu = next(section["Labs"] for section in nav if isinstance(section, dict) and "Labs" in section)
    assert labs_menu == ["labs/index.md"] + [f"labs/{lab.id}.md" for lab in
                                             sorted(LABS, key=lambda lab: (lab.modules[0], lab.id))]
    index = labs_index_markdown(LABS, "fr")
    assert index.startswith("# Exercices") and all(f"]({lab.id}.md)" in index for lab in LABS)


def _portal_hook():
    spec = importlib.util.spec_from_file_location("lab_portal_links", COURSE.course_dir / "hooks" /
                                                  "lab_portal_links.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("src", "words"), [("labs/blind-spots.md", "Start this lab"),
                                            ("labs/blind-spots.fr.md", "Commencer cet exercice")])
def test_the_build_hook_links_a_lab_page_to_the_portal_only_when_one_is_set(src, words):
    hook = _portal_hook()
    page = SimpleNamespace(meta={"lab": "blind-spots"}, file=SimpleNamespace(src_uri=src))
    markdown = "<!-- made -->\n\n# Blind spots\n\nText.\n"
    with_portal = hook.on_page_markdown(markdown, page, SimpleNamespace(extra={"portal_url": "https://c.example/"}),
                                        None)
    lines = with_portal.splitlines()
    assert lines.index("# Blind spots") < next(i for i, line in enumerate(lines) if words in line)
    assert "(https://c.example/labs/blind-spots)" in with_portal
    assert hook.on_page_markdown(markdown, page, SimpleNamespace(extra={}), None) == markdown
    other = SimpleNamespace(meta={}, file=SimpleNamespace(src_uri="modules/01-x.md"))
    assert hook.on_page_markdown(markdown, other, SimpleNamespace(extra={"portal_url": "https://c.example"}),
                                 None) == markdown


def test_labs_pages_writes_only_its_own_pages(tmp_path, run_cli):
    (tmp_path / "notes.md").write_text("my own notes", encoding="utf-8")
    stale = page_files(LABS)["blind-spots.md"].replace("blind-spots", "a-lab-that-is-gone")
    (tmp_path / "a-lab-that-is-gone.md").write_text(stale, encoding="utf-8")
    code, out, err = run_cli("labs", "pages", "--out", tmp_path)
    assert code == 0, err
    assert f"{len(page_files(LABS))} lab page(s) written, 1 removed" in out
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == "my own notes"
    assert not (tmp_path / "a-lab-that-is-gone.md").exists()
    code, out, _ = run_cli("labs", "pages", "--out", tmp_path)
    assert "0 lab page(s) written, 0 removed" in out and "up to date" in out


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
    assert lab.title("en") in english and 'href="https://class.example.org/labs/kind-of-monitoring"' in english
    assert '<html lang="fr"' in french and "Commencer cet exercice" in french
    assert "stalkerlab labs handout kind-of-monitoring --learner VOTRE-NOM" in french
