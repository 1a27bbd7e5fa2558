"""MkDocs hook: the data behind the printable version of each track (print_page.html?track=ID).

The track lists live in course/tracks.yml, which also drives the SCORM package. This hook turns them into
print-tracks.js (page keys as mkdocs-print-site-plugin names its sections: path without .md, "/" -> "-"),
and course/docs/assets/javascripts/print-track.js hides every other section of the print page.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

DATA_SCRIPT = "assets/javascripts/print-tracks.js"
LOGIC_SCRIPT = "assets/javascripts/print-track.js"


def _page_key(page: str) -> str:
    return page.removesuffix(".md").replace("/", "-")


def _track_data(config) -> dict:
    tracks_file = Path(config.config_file_path).parent / "tracks.yml"
    tracks = yaml.safe_load(tracks_file.read_text(encoding="utf-8"))["tracks"]
    i18n = config.plugins.get("i18n")
    default = i18n.default_language if i18n is not None else config.theme.get("language", "en")
    return {
        "default_language": default,
        "tracks": {
            t["id"]: {"title": t["title"],
                      "pages": [_page_key(p) for p in (t["landing"], *t["pages"], *t.get("print_also", []))]}
            for t in tracks
        },
    }


def on_config(config):
    scripts = [str(s) for s in config["extra_javascript"]]
    for script in (DATA_SCRIPT, LOGIC_SCRIPT):
        if script not in scripts:
            config["extra_javascript"].append(script)
    return config


def on_post_build(config):
    # Written after the build rather than added as a generated page file: mkdocs-static-i18n cannot place
    # generated files. Assets are shared by all languages at the site root.
    content = "window.stalkerlabPrintTracks = " + json.dumps(_track_data(config), indent=1, sort_keys=True) + ";\n"
    target = Path(config["site_dir"]) / DATA_SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")
