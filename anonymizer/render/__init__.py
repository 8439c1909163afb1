"""From a finding to its replacement: the keyed pseudonym map, fakes, per-kind policy, date shift."""
