#!/usr/bin/env python3
"""Decrypts a compact JWE with a SMART Health Link's key using jwcrypto (an
implementation independent of ours) and prints the plaintext.

Usage: jwe_open.py KEY < JWE   KEY is the link's base64url key (43 characters).
Prints the protected header as JSON on stderr's last line for the caller to check."""
import json
import sys

from jwcrypto import jwe, jwk

key = jwk.JWK(kty="oct", k=sys.argv[1])
token = jwe.JWE()
token.deserialize(sys.stdin.read().strip(), key=key)
sys.stdout.buffer.write(token.payload)
print(json.dumps(token.jose_header), file=sys.stderr)
