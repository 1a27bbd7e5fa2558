"""Network analysis: protocol events -> per-stream records that the rules read (Zeek's "scripts" layer)."""
