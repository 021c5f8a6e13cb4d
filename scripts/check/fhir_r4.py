#!/usr/bin/env python3
"""Validates FHIR R4 Bundles with fhir.resources (an implementation independent
of ours, pinned to its R4 4.0.1 release by scripts/setup-test.sh).

Usage: fhir_r4.py FILE.json...   One line per file: "ok FILE" or "invalid FILE: why".
Exits 1 when any file is invalid, 2 when the validator is missing."""
import json
import sys

try:
    import fhir.resources
    from fhir.resources.bundle import Bundle
except ImportError as e:  # pragma: no cover
    print(f"fhir.resources is not installed ({e}); run scripts/setup-test.sh", file=sys.stderr)
    sys.exit(2)

if fhir.resources.__fhir_version__ != "4.0.1":
    print(f"fhir.resources speaks FHIR {fhir.resources.__fhir_version__}, not R4 4.0.1", file=sys.stderr)
    sys.exit(2)

bad = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            Bundle.parse_obj(json.load(f))
        print(f"ok {path}")
    except Exception as e:  # the validator's own words, whatever it raised
        bad += 1
        one_line = " | ".join(str(e).splitlines())
        print(f"invalid {path}: {one_line}")
sys.exit(1 if bad else 0)
