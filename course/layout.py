"""Where the course's files are, and the three tracks declared in course/tracks.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from stalkerlab.common.errors import UserError

# The course's content ships inside this package (course/ in a checkout, stalkerlab/course when installed),
# so an installed package builds and serves the course as a checkout does.
COURSE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    landing: str  # page path relative to the docs folder, e.g. "tracks/police.md"
    pages: tuple[str, ...]  # the pages whose self-checks make up the track's score
    print_also: tuple[str, ...] = ()  # extra pages in the track's printable version (handouts, glossary)

    @staticmethod
    def html_path(page: str) -> str:
        """The built page for a Markdown path (the site uses use_directory_urls: false)."""
        return page[: -len(".md")] + ".html"


@dataclass(frozen=True)
class CourseLayout:
    config_file: Path

    @classmethod
    def find(cls, config_file: Path | None = None) -> CourseLayout:
        path = Path(config_file) if config_file else COURSE_DIR / "mkdocs.yml"
        if not path.is_file():
            raise UserError(f"{path}: no such MkDocs configuration")
        return cls(path.resolve())

    @property
    def root(self) -> Path:
        return self.config_file.parent

    @property
    def course_dir(self) -> Path:
        return self.root

    @property
    def docs_dir(self) -> Path:
        return self.course_dir / "docs"

    @property
    def schema_dir(self) -> Path:
        return self.course_dir / "scorm" / "schema"

    @property
    def tracks_file(self) -> Path:
        return self.course_dir / "tracks.yml"

    def tracks(self) -> list[Track]:
        try:
            data = yaml.safe_load(self.tracks_file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise UserError(f"{self.tracks_file}: cannot read tracks ({exc})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("tracks"), list):
            raise UserError(f"{self.tracks_file}: expected a mapping with a 'tracks' list")
        tracks = []
        for entry in data["tracks"]:
            try:
                track = Track(id=str(entry["id"]), title=str(entry["title"]), landing=str(entry["landing"]),
                              pages=tuple(str(p) for p in entry["pages"]),
                              print_also=tuple(str(p) for p in entry.get("print_also", [])))
            except (KeyError, TypeError) as exc:
                raise UserError(f"{self.tracks_file}: a track lacks id, title, landing or pages") from exc
            for page in (track.landing, *track.pages, *track.print_also):
                if not (self.docs_dir / page).is_file():
                    raise UserError(f"{self.tracks_file}: track {track.id!r} names {page!r}, which does not exist")
            tracks.append(track)
        return tracks

    def source_pages(self, language: str = "en") -> list[Path]:
        """Markdown pages of one language: `page.md` is English, `page.fr.md` French (i18n suffix layout)."""
        pages = []
        for path in sorted(self.docs_dir.rglob("*.md")):
            suffixes = path.name.split(".")[1:-1]
            if language == "en" and not suffixes or suffixes == [language]:
                pages.append(path)
        return pages
