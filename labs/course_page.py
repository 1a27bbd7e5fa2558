"""A lab as a page of the course, in Markdown, made from its lab.yaml (the one source): what it is for, what the
learner receives, the questions (never the answers), a "start this lab" link to the classroom portal when the
course names one, and the command that writes one's own files for self-study. The course's build hook
(course/hooks/lab_pages.py) puts it into the page `labs/<lab-id>.md`, in each language."""

from __future__ import annotations

import re

from stalkerlab.labs.definition import Lab
from stalkerlab.labs.handout import HEADINGS, questions_list

WORDS = {
    "en": {
        "level": {"introductory": "Introductory", "intermediate": "Intermediate", "advanced": "Advanced"},
        "track": {"police": "police", "support-workers": "support workers", "instructors": "instructors"},
        "about": "{level} · about {minutes} minutes · for {tracks} · course: {modules}",
        "start": "Start this lab", "start-text": "Your own files and questions are in the classroom portal:",
        "start-link": "start this lab in the portal",
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
        "start": "Commencer cet exercice",
        "start-text": "Vos propres fichiers et questions sont dans le portail de la classe :",
        "start-link": "commencer cet exercice dans le portail",
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


def portal_lab_url(portal_url: str, lab_id: str) -> str:
    return f"{portal_url.rstrip('/')}/labs/{lab_id}"


def lab_page_markdown(lab: Lab, language: str = "en", portal_url: str | None = None) -> str:
    words = _words(language)
    lines = [f"# {lab.title(language)}", ""]
    lines += [words["about"].format(level=words["level"][lab.level], minutes=lab.duration_min,
                                    tracks=", ".join(words["track"][t] for t in lab.tracks),
                                    modules=", ".join(module_link(m) for m in lab.modules)), ""]
    if portal_url:
        lines += [f'!!! handson "{words["start"]}"',
                  f"    {words['start-text']} [{words['start-link']}]({portal_lab_url(portal_url, lab.id)}).", ""]
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
