#!/usr/bin/env python3
"""Approves an activation page as a person at a browser would: opens the page
(keeping its cookie), signs in with the practice's email and password, and
prints the verification code the gateway shows for an `oob` request.

    approve.py URL EMAIL PASSWORD
"""
import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request


def main():
    url, email, password = sys.argv[1:4]
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    html = opener.open(url, timeout=30).read().decode()

    def hidden(name):
        m = re.search(r'name="%s" value="([^"]*)"' % name, html)
        if not m:
            sys.exit("no %s on the approval page" % name)
        return m.group(1)

    form = {
        "oauth_token": hidden("oauth_token"),
        "csrf": hidden("csrf"),
        "email": email,
        "password": password,
        "action": "approve",
    }
    answer = opener.open(
        url.split("?")[0], urllib.parse.urlencode(form).encode(), timeout=30
    ).read().decode()
    m = re.search(r'aria-label="verification code">([^<]+)<', answer)
    if not m:
        sys.exit("the gateway showed no verification code:\n" + answer[:2000])
    print(m.group(1))


if __name__ == "__main__":
    main()
