"""A real SMTP server for the email tests: STARTTLS or implicit TLS, a login
required, messages kept in a Maildir. Usage:
smtp_server.py starttls|tls PORT MAILDIR CERT KEY USER PASSWORD"""
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

mode, port, maildir, cert, key, user, password = sys.argv[1:8]
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == user.encode()
        and auth_data.password == password.encode()
    )
    # handled=False: aiosmtpd itself answers 535 when the login is wrong.
    return AuthResult(success=ok, handled=False)


common = dict(hostname="127.0.0.1", port=int(port), authenticator=authenticator, auth_required=True)
if mode == "starttls":
    controller = Controller(Mailbox(maildir), tls_context=ctx, require_starttls=True, auth_require_tls=True, **common)
else:
    # The whole connection is TLS; aiosmtpd only counts STARTTLS as TLS for AUTH.
    controller = Controller(Mailbox(maildir), ssl_context=ctx, auth_require_tls=False, **common)
controller.start()
print("ready", flush=True)
try:
    time.sleep(600)
finally:
    controller.stop()
