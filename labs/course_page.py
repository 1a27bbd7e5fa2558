"""A lab as a page of the course, in Markdown, made from its lab.yaml (the one source): what it is for, what the
learner receives, the questions (never the answers), and the command that writes one's own files for
self-study. `stalkerlab labs pages` writes them as course/docs/labs/<lab-id>.md and .fr.md (a test fails when
one is stale); the course's build hook (course/hooks/lab_portal_links.py) adds the "start this lab" link to the
classroom portal when the course names one. The course, a lower floor, never imports the labs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from stalkerlab.labs.definition import LANGUAGES, Lab
from stalkerlab.labs.handout import HEADINGS, questions_list

from stalkerlab.common.atomic_files import write_text_atomic

WORDS = {
    "en": {
        "level": {"introductory": "Introductory", "intermediate": "Intermediate", "advanced": "Advanced"},
        "track": {"police": "police", "support-workers": "support workers", "instructors": "instructors"},
        "about": "{level} · about {minutes} minutes · for {tracks} · course: {modules}",
        "files": "What you receive",
        "pool": "Each learner receives one of these situations, picked by their own variant; your neighbour's "
                "may be another, so compare your reasoning, not your answers:",
        "minutes": "{minutes} minutes of capture",
        "file": {"capture": "`capture.pcap`: the phone's Wi-Fi traffic (open it in Wireshark)",
                 "device": "`device/`: an AndroidQF acquisition of the phone (text and JSON files)",
                 "device-zip": "`device.zip`: an AndroidQF acquisition of the phone, as a zip",
                 "stimuli": "`stimuli.json`: what the person did on the phone during the capture, and when",
                 "report": "`report/`: the detector's report (`report.html` opens in a browser)",
                 "feed": "`ioc.yaml`: the indicator list the detector uses"},
        "altered": "One file of the acquisition was changed after it was acquired: finding it is part of the lab.",
        "self-study": "Self-study",
        "self-study-text": "Without the portal, write your own files and these questions into a new folder. Your "
                           "name or pseudonym picks your variant: names, addresses and times that are yours "
                           "alone. Then open `questions.md` in that folder.",
        "placeholder": "YOUR-NAME",
        "instructors": "Instructors can add `--with-answers` for their own copy (answers.json, never for learners) "
                       "and check the lab with `stalkerlab labs validate {id}`.",
        "index-title": "Labs",
        "index-intro": "Each lab gives every learner their own files (a simulated phone: capture, device "
                       "acquisition or report), asks questions that the files answer, and checks the answers on "
                       "the classroom portal. Each page says how to start the lab in the portal and how to do it "
                       "alone.",
        "index-head": ("Lab", "Course", "Level", "Duration", "For"),
    },
    "fr": {
        "level": {"introductory": "Initiation", "intermediate": "Intermédiaire", "advanced": "Avancé"},
        "track": {"police": "police et gendarmerie", "support-workers": "intervenantes et intervenants",
                  "instructors": "formateurs"},
        "about": "{level} · environ {minutes} minutes · pour {tracks} · formation : {modules}",
        "files": "Ce que vous recevez",
        "pool": "Chaque participant reçoit l'une de ces situations, choisie par sa propre variante ; celle de "
                "votre voisin peut être différente : comparez vos raisonnements, pas vos réponses :",
        "minutes": "{minutes} minutes de capture",
        "file": {"capture": "`capture.pcap` : le trafic Wi-Fi du téléphone (à ouvrir dans Wireshark)",
                 "device": "`device/` : une acquisition AndroidQF du téléphone (fichiers texte et JSON)",
                 "device-zip": "`device.zip` : une acquisition AndroidQF du téléphone, en archive zip",
                 "stimuli": "`stimuli.json` : ce que la personne a fait sur le téléphone pendant la capture, "
                            "et à quelle heure",
                 "report": "`report/` : le rapport du détecteur (`report.html` s'ouvre dans un navigateur)",
                 "feed": "`ioc.yaml` : la liste d'indicateurs qu'utilise le détecteur"},
        "altered": "Un fichier de l'acquisition a été modifié après l'acquisition : le trouver fait partie de "
                   "l'exercice.",
        "self-study": "En autonomie",
        "self-study-text": "Sans le portail, écrivez vos propres fichiers et ces questions dans un nouveau "
                           "dossier. Votre nom ou pseudonyme choisit votre variante : des noms, adresses et "
                           "heures qui ne sont qu'à vous. Ouvrez ensuite `questions.md` dans ce dossier.",
        "placeholder": "VOTRE-NOM",
        "instructors": "Les formateurs peuvent ajouter `--with-answers` pour leur propre exemplaire (answers.json, "
                       "jamais pour les participants) et vérifier l'exercice avec `stalkerlab labs validate {id}`.",
        "index-title": "Exercices",
        "index-intro": "Chaque exercice donne à chaque participant ses propres fichiers (un téléphone simulé : "
                       "capture, acquisition de l'appareil ou rapport), pose des questions auxquelles ces fichiers "
                       "répondent, et vérifie les réponses dans le portail de la classe. Chaque page indique "
                       "comment commencer l'exercice dans le portail et comment le faire seul.",
        "index-head": ("Exercice", "Formation", "Niveau", "Durée", "Pour"),
    },
}


def _words(language: str) -> dict:
    return WORDS.get(language, WORDS["en"])


def module_link(module: str) -> str:
    """`modules/04-phone-state.md` -> a link to it, as seen from a page in `labs/`."""
    number = re.match(r"modules/(\d+)-", module)
    label = f"Module {int(number.group(1))}" if number else module
    return f"[{label}](../{module})"


def lab_page_markdown(lab: Lab, language: str = "en") -> str:
    words = _words(language)
    lines = [f"# {lab.title(language)}", ""]
    lines += [words["about"].format(level=words["level"][lab.level], minutes=lab.duration_min,
                                    tracks=", ".join(words["track"][t] for t in lab.tracks),
                                    modules=", ".join(module_link(m) for m in lab.modules)), ""]
    lines += [lab.text(language).strip(), ""]
    practise, _files, questions, _points, _seed = HEADINGS.get(language, HEADINGS["en"])
    lines += [f"## {practise}", ""] + [f"- {o(language)}" for o in lab.outcomes] + [""]
    lines += [f"## {words['files']}", ""] + [f"- {words['file'][f]}" for f in lab.receives.files]
    if lab.receives.alterations:
        lines += [f"- {words['altered']}"]
    if len(lab.receives.scenarios) > 1:
        lines += ["", words["pool"], ""]
        for choice in lab.receives.scenarios:
            length = f" ({words['minutes'].format(minutes=choice.duration_min)})" if choice.duration_min else ""
            lines += [f"- `{choice.scenario}`{length}"]
    lines += ["", f"## {questions}", ""] + questions_list(lab, language) + [""]
    lines += [f"## {words['self-study']}", "", words["self-study-text"], "", "```text",
              f"stalkerlab labs handout {lab.id} --learner {words['placeholder']} --out lab/{lab.id}"
              + ("" if language == "en" else f" --lang {language}"), "```", "",
              words["instructors"].format(id=lab.id), ""]
    return "\n".join(lines)


def labs_index_markdown(labs: list[Lab], language: str = "en") -> str:
    words = _words(language)
    head = words["index-head"]
    lines = [f"# {words['index-title']}", "", words["index-intro"], "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for lab in sorted(labs, key=lambda lab: (lab.modules[0], lab.id)):
        lines += [f"| [{lab.title(language)}]({lab.id}.md) | {', '.join(module_link(m) for m in lab.modules)} | "
                  f"{words['level'][lab.level]} | {lab.duration_min} min | "
                  f"{', '.join(words['track'][t] for t in lab.tracks)} |"]
    return "\n".join(lines) + "\n"


GENERATED = "<!-- Made by `stalkerlab labs pages` from {source}: edit that, not this page. -->"
INCLUDES = {"en": "abbreviations.md", "fr": "abbreviations.fr.md"}


def _page_file(front: dict, body: str, source: str, language: str) -> str:
    header = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in front.items())
    return (f"---\n{header}---\n{GENERATED.format(source=source)}\n\n{body.rstrip()}\n\n"
            f'--8<-- "{INCLUDES[language]}"\n')


def page_files(labs: list[Lab]) -> dict[str, str]:
    """File name in course/docs/labs -> its text, for every lab and the index, in every language."""
    files = {}
    for language in LANGUAGES:
        suffix = "" if language == "en" else f".{language}"
        index = labs_index_markdown(labs, language)
        files[f"index{suffix}.md"] = _page_file({"labs": "all", "title": index.splitlines()[0].lstrip("# ")}, index,
                                                "labs/*/lab.yaml", language)
        for lab in labs:
            files[f"{lab.id}{suffix}.md"] = _page_file({"lab": lab.id, "title": lab.title(language)},
                                                       lab_page_markdown(lab, language),
                                                       f"labs/{lab.id}/lab.yaml", language)
    return files


def write_pages(labs: list[Lab], folder: Path) -> tuple[list[Path], list[Path]]:
    """Write the course's lab pages into `folder` (atomically, each file whole); remove the pages this command
    made for labs that no longer exist, and never a page it did not make. Returns (written, removed)."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = page_files(labs)
    written = []
    for name, text in sorted(wanted.items()):
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_text_atomic(path, text)
            written.append(path)
    removed = []
    for path in sorted(folder.glob("*.md")):
        if path.name not in wanted and GENERATED.split("{")[0] in path.read_text(encoding="utf-8"):
            path.unlink()
            removed.append(path)
    return written, removed
