"""Tooling for the MkDocs course: build and serve the site, package it for an LMS, check its content.

The course itself (Markdown, theme overrides, SCORM schemas) lives in `course/` beside `mkdocs.yml`; this
package only reads it.
"""
