"""Content rules every module page must follow, checked on the Markdown source.

Two kinds of rule:

* structure: learning outcomes, a worked example, a hands-on part that runs real `stalkerlab` commands, a
  self-check of at least five questions where every wrong answer explains itself, and a "what to do next"
  box. Sections are found by their heading ids ({#outcomes} ...), so translated pages follow the same rules.
* safety: no sentence recommends removing, uninstalling, wiping or confronting unless the same sentence
  ties it to safety planning or rules it out ("not before", "only once ..."). Distractors (wrong quiz
  answers, the titles of branching options marked `??? option`) are exempt: they are there to be weighed.
  The shared snippets in course/includes are checked too. A module's worked example that shows a
  positive finding (a `stalkerware`, `stalkerware-suspected` or `watchware` verdict, a critical finding)
  carries its own `!!! safety` box, as the report carries its safety note.
* commands: every line of a command block is one `stalkerlab` command with no shell syntax (pipes,
  redirections, loops, variables, backslash continuations), so that it runs the same on Windows, macOS and Linux.
* agendas: in every table with a "Minutes" column the rows add up to the Total row, start times follow
  each other, and a session is given at least the minutes its pages say they take.
* languages: every English page (and shared snippet) has its French counterpart, and each page's text reads
  as the language it is published in.
* references: every `references.md#id` a page cites has an entry, and every entry links to the page
  that says it, not to a site's home page (except a helpline's entry, `helpline-*`: its own site is
  where its number is published).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REQUIRED_SECTIONS = ("outcomes", "worked-example", "hands-on", "self-check", "next")
MIN_QUESTIONS = 5
KNOWN_SUBCOMMANDS = ("scenarios", "simulate", "detect", "demo", "replay", "course", "labs", "iocs")

SECTION_RE = re.compile(r"^## .*\{#([a-z0-9-]+)\}\s*$", re.M)
FENCE_RE = re.compile(r"^\s*(```|~~~).*?^\s*\1\s*$", re.M | re.S)
QUIZ_RE = re.compile(r"<quiz>(.*?)</quiz>", re.S)
ANSWER_RE = re.compile(r"^[-*]\s*\[([xX ]?)\]\s*(.*)$")
COMMAND_RE = re.compile(r"^\s*(?:for .*?;\s*do\s*)?stalkerlab\s+([a-z-]+)(.*)$", re.M)
SIMULATE_RE = re.compile(r"stalkerlab\s+simulate\s+(\S+)")
# A positive result shown in a worked example: a verdict in code or bold, or a critical finding.
POSITIVE_RE = re.compile(r"(?:`|\*\*)(?:stalkerware|stalkerware-suspected|watchware)(?:`|\*\*)|\bcritical\b", re.I)
# Commands a learner is told to run: fenced blocks without a language, or marked as a shell.
FENCE_LINE_RE = re.compile(r"^\s*(```|~~~)\s*([\w-]*)")
COMMAND_LANGUAGES = ("", "text", "bash", "sh", "shell", "console")
# One `stalkerlab` command per line, nothing a shell must interpret: no pipes, redirections, loops,
# variables or line continuations, which differ between bash, PowerShell and cmd.
PORTABLE_COMMAND_RE = re.compile(r"^stalkerlab(?: [^|<>;&$`\\*]*)?$")
# Agenda tables: a "Minutes" column, optionally a "Start" column, and a last row that holds the total.
DURATION_RE = re.compile(r"^duration:\s*(\d+)\s*min", re.M)
START_HEADERS = ("start", "début")
CLOCK_RE = re.compile(r"^(\d{1,2}):(\d\d)$")
SPAN_RE = re.compile(r"\((\d{1,2}:\d\d)\D{1,8}?(\d{1,2}:\d\d)\)")
PAGE_LINK_RE = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")
# Languages: the course is written in English and published in French too; a test keeps this list in step
# with the i18n plugin in mkdocs.yml. Short, frequent words tell the two apart.
DEFAULT_LANGUAGE = "en"
OTHER_LANGUAGES = ("fr",)
LANGUAGE_MARKS = {
    "en": frozenset("the and of to is are with for that this you your it not be what which from they their".split()),
    "fr": frozenset("le la les et des du un une est sont pour que qui dans pas sur vous votre ce au aux avec".split()),
}
MIN_LANGUAGE_MARKS = 20
CITATION_RE = re.compile(r"references\.md#([a-z0-9-]+)")
REFERENCE_ENTRY_RE = re.compile(r"^#{2,3} .*\{#([a-z0-9-]+)\}\s*$", re.M)
URL_RE = re.compile(r"<(https?://[^>\s]+)>")

# Safety rule. Verbs and advice in English and French; guards that make a sentence about removal safe.
_REMOVE = (r"(?:remov|uninstall|delet|wip(?:e|ing)|factory[- ]reset|disabl|confront|"
           r"supprim|désinstall|effac|réinitialis)")
IMPERATIVE_RE = re.compile(
    r"^(?:then |now |first |just |immediately |so |puis |d'abord )?"
    r"(?:remove|uninstall|delete|wipe|factory[- ]reset|reset|disable|confront|turn off|"
    r"supprimez|désinstallez|effacez|réinitialisez|confrontez)\b", re.I)
ADVICE_RE = re.compile(
    r"\b(?:should|must|need to|needs to|have to|has to|recommend\w*|advis\w*|best to|next step is to|"
    r"it is time to|devez|doit|faut|conseill\w*|recommand\w*)\b[^.;:]{0,60}?" + _REMOVE, re.I)
GUARD_RE = re.compile(
    r"safety[- ]plan|\bplan(?:s|ned|ning)?\b|\bnot\b|\bnever\b|n't\b|\buntil\b|\bbefore\b|\bonly\b|\bonce\b|"
    r"\bafter\b|plan de sécurité|\bne\b|\bpas\b|\bjamais\b|\bavant\b|\bseulement\b|\baprès\b|une fois", re.I)


@dataclass(frozen=True)
class Problem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


def _strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return "\n" * text[: end + 5].count("\n") + text[end + 5:]
    return text


def sections(text: str) -> dict[str, str]:
    """Heading id -> the text up to the next `## ` heading."""
    found = {}
    for match in SECTION_RE.finditer(text):
        following = re.search(r"^## ", text[match.end():], re.M)
        body_end = match.end() + following.start() if following else len(text)
        found[match.group(1)] = text[match.end(): body_end]
    return found


def parse_quiz(block: str) -> list[tuple[bool, str, str]]:
    """(is_correct, answer text, feedback) for each answer of one <quiz> block."""
    answers: list[tuple[bool, str, str]] = []
    lines = block.strip("\n").splitlines()
    i = 0
    while i < len(lines):
        match = ANSWER_RE.match(lines[i].strip())
        if match:
            feedback = []
            j = i + 1
            while j < len(lines) and re.match(r"^\s*>", lines[j]):
                feedback.append(re.sub(r"^\s*>\s?", "", lines[j]))
                j += 1
            answers.append((match.group(1).lower() == "x", match.group(2), " ".join(feedback).strip()))
            i = j
        else:
            i += 1
    return answers


def structure_problems(path: Path, name: str, known_scenarios: set[str] | None = None) -> list[Problem]:
    text = _strip_front_matter(path.read_text(encoding="utf-8"))
    problems: list[Problem] = []
    found = sections(text)
    order = [m.group(1) for m in SECTION_RE.finditer(text)]
    for section in REQUIRED_SECTIONS:
        if section not in found:
            problems.append(Problem(name, f"missing the section with heading id {{#{section}}}"))
    if problems:
        return problems
    if order.index("outcomes") != 0:
        problems.append(Problem(name, "learning outcomes must be the first section"))
    if order[-1] != "next":
        problems.append(Problem(name, "'what to do next' must be the last section"))
    if len(re.findall(r"^\s*-\s+\S", found["outcomes"], re.M)) < 2:
        problems.append(Problem(name, "learning outcomes need a list of at least two outcomes"))
    if len(found["worked-example"].split()) < 40:
        problems.append(Problem(name, "the worked example is missing or shorter than 40 words"))
    hands_on = found["hands-on"]
    if "!!! handson" not in hands_on:
        problems.append(Problem(name, "the hands-on section has no '!!! handson' box"))
    commands = COMMAND_RE.findall(hands_on)
    if not commands:
        problems.append(Problem(name, "the hands-on section runs no `stalkerlab` command"))
    for sub, _rest in commands:
        if sub not in KNOWN_SUBCOMMANDS:
            problems.append(Problem(name, f"hands-on uses unknown command `stalkerlab {sub}`"))
    if known_scenarios is not None:
        for scenario in SIMULATE_RE.findall(text):
            scenario = scenario.strip("\"'")
            if scenario.startswith(("$", "/", ".")) or scenario.endswith((".yml", ".yaml")):
                continue
            if scenario not in known_scenarios:
                problems.append(Problem(name, f"simulates unknown scenario {scenario!r}"))
    quizzes = QUIZ_RE.findall(found["self-check"])
    if len(quizzes) < MIN_QUESTIONS:
        problems.append(Problem(name, f"the self-check has {len(quizzes)} questions; at least {MIN_QUESTIONS} needed"))
    for n, block in enumerate(quizzes, start=1):
        answers = parse_quiz(block)
        if not any(correct for correct, _a, _f in answers) or all(correct for correct, _a, _f in answers):
            problems.append(Problem(name, f"question {n} needs at least one right and one wrong answer"))
        for correct, answer, feedback in answers:
            if not correct and not feedback:
                problems.append(Problem(name, f"question {n}: wrong answer {answer!r} has no feedback"))
    if "!!! next" not in found["next"]:
        problems.append(Problem(name, "the 'what to do next' section has no '!!! next' box"))
    if name.startswith("modules/"):
        example = QUIZ_RE.sub("", found["worked-example"])
        if POSITIVE_RE.search(example) and "!!! safety" not in example:
            problems.append(Problem(name, "the worked example shows a positive finding without a '!!! safety' box"))
    return problems


def _sentences(text: str):
    """Sentences of the prose, with distractors and code removed; yields (line number, sentence)."""
    text = FENCE_RE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    text = re.sub(r"`[^`\n]*`", "CODE", text)
    skip_feedback = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        answer = ANSWER_RE.match(stripped)
        if answer:
            skip_feedback = answer.group(1).lower() != "x"
            if skip_feedback:
                continue  # a wrong answer is a distractor, shown in order to be rejected
            stripped = answer.group(2)
        elif stripped.startswith(">"):
            if skip_feedback:
                continue
            stripped = stripped.lstrip("> ")
        else:
            skip_feedback = False
        if re.match(r"^\?\?\?\+?\s+option\b", stripped):
            continue  # the title of a branching option, which may be the wrong choice; its body is checked
        stripped = re.sub(r"^(?:!!!|\?\?\?\+?)\s+\w+\s*", "", stripped)
        stripped = re.sub(r"^(?:[-*]\s+|\d+\.\s+|\|\s*|#+\s+)", "", stripped)
        stripped = re.sub(r"[*_\"]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", stripped)
        for sentence in re.split(r"(?<=[.!?])\s+|\s+\|\s+", stripped):
            if sentence.strip():
                yield number, sentence.strip()


def safety_problems(text: str, name: str) -> list[Problem]:
    problems = []
    for number, sentence in _sentences(_strip_front_matter(text)):
        advises = IMPERATIVE_RE.search(sentence) or ADVICE_RE.search(sentence)
        if advises and not GUARD_RE.search(sentence):
            problems.append(Problem(f"{name}:{number}",
                                    f"recommends removal or confrontation without safety planning: {sentence!r}"))
    return problems


def command_problems(text: str, name: str) -> list[Problem]:
    """Command lines that would not run the same in bash, PowerShell and cmd."""
    problems = []
    fence, language = None, ""
    for number, line in enumerate(text.splitlines(), start=1):
        marker = FENCE_LINE_RE.match(line)
        if fence is None:
            if marker:
                fence, language = marker.group(1), marker.group(2)
            continue
        if marker and marker.group(1) == fence and not marker.group(2):
            fence = None
            continue
        command = line.strip()
        if language in COMMAND_LANGUAGES and command and not PORTABLE_COMMAND_RE.match(command):
            problems.append(Problem(f"{name}:{number}", "not a portable `stalkerlab` command "
                                    f"(one per line, no shell syntax): {command!r}"))
    return problems


def _minutes(clock: str) -> int | None:
    match = CLOCK_RE.match(clock.strip())
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def page_durations(docs_dir: Path) -> dict[Path, int]:
    """Minutes each page says it takes (front matter `duration: 45 minutes`)."""
    durations = {}
    for page in docs_dir.rglob("*.md"):
        match = DURATION_RE.search(page.read_text(encoding="utf-8").split("\n---", 1)[0])
        if match:
            durations[page.resolve()] = int(match.group(1))
    return durations


def agenda_problems(text: str, name: str, page: Path, durations: dict[Path, int]) -> list[Problem]:
    """Agenda tables that do not add up.

    In a table with a "Minutes" column: the last row is the total and equals the sum of the others; with a
    "Start" column, each row starts when the one before it ends, and a span "(09:00 to 16:30)" in the
    heading above the table is where it starts and ends; a row that links to pages with a duration gives
    them at least that many minutes.
    """
    problems: list[Problem] = []
    lines = text.splitlines()
    heading = ""
    i = 0
    while i < len(lines):
        if lines[i].startswith("#"):
            heading = lines[i]
        if not (lines[i].startswith("|") and i + 1 < len(lines) and set(lines[i + 1].strip()) <= set("|-: ")):
            i += 1
            continue
        header = [cell.lower() for cell in _cells(lines[i])]
        rows, line_numbers = [], []
        j = i + 2
        while j < len(lines) and lines[j].startswith("|"):
            rows.append(_cells(lines[j]))
            line_numbers.append(j + 1)
            j += 1
        i = j
        if "minutes" not in header:
            continue
        where = f"{name}:{line_numbers[0] - 2 if line_numbers else i}"
        minutes_col = header.index("minutes")
        start_col = next((header.index(h) for h in START_HEADERS if h in header), None)
        if not rows or "total" not in " ".join(rows[-1]).lower():
            problems.append(Problem(where, "agenda table has no Total row"))
            continue
        try:
            minutes = [int(row[minutes_col].strip("* ")) for row in rows]
        except (ValueError, IndexError):
            problems.append(Problem(where, "agenda table has a row without a whole number of minutes"))
            continue
        if sum(minutes[:-1]) != minutes[-1]:
            problems.append(Problem(where, f"agenda rows add up to {sum(minutes[:-1])} minutes, "
                                           f"the Total row says {minutes[-1]}"))
        for row, number, allotted in zip(rows[:-1], line_numbers, minutes, strict=False):
            linked = [(page.parent / link).resolve() for link in PAGE_LINK_RE.findall(" ".join(row))]
            needed = sum(durations.get(target, 0) for target in linked)
            if allotted < needed:
                problems.append(Problem(f"{name}:{number}", f"{allotted} minutes for pages that take {needed}"))
        if start_col is None:
            continue
        starts = [_minutes(row[start_col]) for row in rows[:-1]]
        if None in starts:
            problems.append(Problem(where, "agenda row without a start time (H:MM)"))
            continue
        for k in range(1, len(starts)):
            if starts[k - 1] + minutes[k - 1] != starts[k]:
                problems.append(Problem(f"{name}:{line_numbers[k]}", f"starts at {rows[k][start_col]}, but the row "
                                                                     "before it does not end then"))
        span = SPAN_RE.search(heading)
        if span:
            begin, end = _minutes(span.group(1)), _minutes(span.group(2))
            if begin != starts[0] or end != starts[0] + minutes[-1]:
                problems.append(Problem(where, f"the heading says {span.group(1)} to {span.group(2)}, "
                                               "the table does not start or end then"))
    return problems


def page_language(path: Path) -> str:
    """The language a page is published in: `page.md` is English, `page.fr.md` French (i18n suffix layout)."""
    suffixes = path.name.split(".")[1:-1]
    return suffixes[0] if suffixes else DEFAULT_LANGUAGE


def prose_language(text: str) -> str | None:
    """The language the prose reads as, from its most common short words; None when there is too little."""
    text = FENCE_RE.sub(" ", _strip_front_matter(text))
    text = re.sub(r"`[^`\n]*`|<[^>]+>|\]\([^)]*\)|^\*\[[^\]]*\]:.*$|https?://\S+", " ", text, flags=re.M)
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text.lower())
    counts = {lang: sum(1 for w in words if w in marks) for lang, marks in LANGUAGE_MARKS.items()}
    if sum(counts.values()) < MIN_LANGUAGE_MARKS:
        return None
    return max(counts, key=counts.get)


def language_problems(docs_dir: Path) -> list[Problem]:
    """Every English page has its translation in each other language, and every page reads as the language
    it is published in (an English page served under fr/ would be read by screen readers with French rules)."""
    problems: list[Problem] = []
    pages = sorted(docs_dir.rglob("*.md"))
    includes = docs_dir.parent / "includes"
    snippets = sorted(p for p in includes.glob("*.md")) if includes.is_dir() else []
    for page in [*pages, *snippets]:
        name = page.relative_to(docs_dir).as_posix() if page.is_relative_to(docs_dir) else f"includes/{page.name}"
        language = page_language(page)
        if language == DEFAULT_LANGUAGE:
            for other in OTHER_LANGUAGES:
                counterpart = page.with_name(f"{page.name[:-3]}.{other}.md")
                if not counterpart.is_file():
                    problems.append(Problem(name, f"has no {other} counterpart ({counterpart.name})"))
        text = page.read_text(encoding="utf-8")
        abbreviations = "abbreviations.md" if language == DEFAULT_LANGUAGE else f"abbreviations.{language}.md"
        if page.is_relative_to(docs_dir) and f'--8<-- "{abbreviations}"' not in text:
            problems.append(Problem(name, f'does not include --8<-- "{abbreviations}" (its language\'s hover text)'))
        reads_as = prose_language(text)
        if reads_as is not None and reads_as != language:
            problems.append(Problem(name, f"is published as {language!r} but its text reads as {reads_as!r}"))
    return problems


def reference_problems(docs_dir: Path) -> list[Problem]:
    """Citations that point nowhere, and reference entries that link only to a home page."""
    references = docs_dir / "references.md"
    if not references.is_file():
        return [Problem("references.md", "missing: every claim must cite an entry there")]
    text = references.read_text(encoding="utf-8")
    problems: list[Problem] = []
    entries = list(REFERENCE_ENTRY_RE.finditer(text))
    for n, entry in enumerate(entries):
        body = text[entry.end(): entries[n + 1].start() if n + 1 < len(entries) else len(text)]
        urls = URL_RE.findall(body)
        if not urls:
            problems.append(Problem("references.md", f"entry {entry.group(1)!r} links to no page"))
        for url in urls:
            # A helpline's own site is where its number and hours are published: its home page is the source.
            if urlsplit(url).path.strip("/") == "" and not entry.group(1).startswith("helpline-"):
                problems.append(Problem("references.md", f"entry {entry.group(1)!r} links to a home page ({url}), "
                                                         "not the page that says it"))
    known = {entry.group(1) for entry in entries}
    for page in sorted(docs_dir.rglob("*.md")):
        for anchor in sorted(set(CITATION_RE.findall(page.read_text(encoding="utf-8"))) - known):
            problems.append(Problem(page.relative_to(docs_dir).as_posix(),
                                    f"cites references.md#{anchor}, which has no entry"))
    return problems


def module_pages(docs_dir: Path) -> list[Path]:
    """Pages that must follow the module structure: the numbered modules and the instructor pages, every language."""
    return sorted([*docs_dir.glob("modules/*.md"), *docs_dir.glob("instructors/*.md")])


def check_course(docs_dir: Path, known_scenarios: set[str] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    for page in module_pages(docs_dir):
        problems += structure_problems(page, page.relative_to(docs_dir).as_posix(), known_scenarios)
    durations = page_durations(docs_dir)
    for page in sorted(docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        problems += safety_problems(text, page.relative_to(docs_dir).as_posix())
        problems += command_problems(text, page.relative_to(docs_dir).as_posix())
        problems += agenda_problems(text, page.relative_to(docs_dir).as_posix(), page, durations)
    includes = docs_dir.parent / "includes"
    for snippet in sorted(includes.glob("*.md")):
        problems += safety_problems(snippet.read_text(encoding="utf-8"), f"includes/{snippet.name}")
    problems += reference_problems(docs_dir)
    problems += language_problems(docs_dir)
    return problems
