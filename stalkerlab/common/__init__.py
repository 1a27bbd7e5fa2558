"""The bottom floor every wing may import: errors, UTC time, atomic writes and owned output folders, evidence
text shown as data, the verdict vocabulary. It imports no engine."""
