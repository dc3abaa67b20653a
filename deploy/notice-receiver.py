#!/usr/bin/env python3
"""A notice receiver for trying Baraza's reach on one machine.

It stands in for an SMS gateway or another system that takes Baraza's webhooks:
it accepts the signed JSON that barazad POSTs, checks the signature when given the
secret (barazad writes it to webhook.secret beside its database), prints one line per
notice and, with --log, appends the JSON to a file.

  python3 deploy/notice-receiver.py --port 8025 [--secret-file var/webhook.secret]
      [--log notices.log] [--port-file FILE]

Then, as a mediator:
  baraza-mediator liaison contact add --liaison 2 --webhook http://127.0.0.1:8025/notices

Listens on 127.0.0.1 only. Stop it with Ctrl-C. docs/notifications.md says how to
connect a real gateway and mail relay.
"""
import argparse
import hashlib
import hmac
import http.server
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=8025, help="port on 127.0.0.1 (0: any free one)")
    ap.add_argument("--secret-file", help="barazad's webhook.secret: refuse unsigned notices")
    ap.add_argument("--log", help="append each notice's JSON to this file")
    ap.add_argument("--port-file", help="write the port listened on to this file")
    args = ap.parse_args()
    secret = None
    if args.secret_file:
        with open(args.secret_file, encoding="ascii") as f:
            secret = f.readline().strip().encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > 65536:
                return self.answer(413, "too large")
            body = self.rfile.read(length)
            if secret is not None:
                want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(want, self.headers.get("X-Baraza-Signature", "")):
                    print("refused a notice with a wrong signature", file=sys.stderr, flush=True)
                    return self.answer(401, "bad signature")
            try:
                notice = json.loads(body)
            except ValueError:
                return self.answer(400, "not JSON")
            print("notice for case %s (%s) to %s: %s" % (
                notice.get("case_id"), notice.get("kind"), notice.get("to"),
                notice.get("text", "").splitlines()[0] if notice.get("text") else ""), flush=True)
            if args.log:
                with open(args.log, "a", encoding="utf-8") as f:
                    f.write(json.dumps(notice, ensure_ascii=False) + "\n")
            self.answer(200, "")

        def answer(self, status, text):
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):  # one line per notice is enough
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file, "w", encoding="ascii") as f:
            f.write("%d\n" % port)
    print("notice receiver on http://127.0.0.1:%d/" % port, file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
