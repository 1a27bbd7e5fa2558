"""Browser side of the SCORM package: the launch page template and the SCORM 1.2 runtime (package data)."""
