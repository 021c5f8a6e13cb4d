#!/usr/bin/env python3
"""One stage as another OAuth 1.0a client makes it (requests + requests-oauthlib),
the baseline of the stage_process bench.

Usage: stage_client.py URL CONSUMER_KEY CONSUMER_SECRET TOKEN TOKEN_SECRET HER"""
import sys

import requests
from requests_oauthlib import OAuth1

url, ck, cs, tk, ts, her = sys.argv[1:7]
auth = OAuth1(ck, cs, tk, ts, signature_type="auth_header")
r = requests.post(url, data={"her": her}, auth=auth, timeout=30)
if "ACK=Success" not in r.text:
    sys.exit(f"not staged: {r.status_code} {r.text[:200]}")
