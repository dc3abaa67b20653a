"""A real HTTP receiver for the outreach tests (Python's http.server).

Usage: http_sink.py OUTDIR
Listens on 127.0.0.1 on a free port, prints that port on one line of stdout, and
records each request as OUTDIR/N.json ({"method", "path", "headers", "body",
"peer_port"}) before answering. The answer depends on the path: /ok 200,
/accepted 202, /gone 404, /busy 503, /throttle 429, /redirect 302 to /ok,
/slow sleeps 3 s then 200, /delay/MS sleeps MS milliseconds (at most 5000)
then 200; anything else 200. Stops on SIGTERM or when stdin
closes (so it never outlives the test that started it).
"""
import http.server
import json
import os
import signal
import sys
import threading
import time

STATUS = {"/ok": 200, "/accepted": 202, "/gone": 404, "/busy": 503, "/throttle": 429, "/redirect": 302}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real gateway allows
    lock = threading.Lock()
    count = 0

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        with Handler.lock:
            Handler.count += 1
            n = Handler.count
        record = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "peer_port": self.client_address[1],
        }
        path = os.path.join(self.server.outdir, "%d.json" % n)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(path + ".tmp", path)
        route = self.path.split("?", 1)[0]
        if route == "/slow":
            time.sleep(3)
        elif route.startswith("/delay/"):  # /delay/50: answer 200 after 50 ms
            time.sleep(min(int(route[7:] or 0), 5000) / 1000.0)
        status = STATUS.get(route, 200)
        reply = b"" if status < 300 else ("refused by the test sink: %s\n" % route).encode()
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def main(outdir):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.outdir = outdir
    print(server.server_address[1], flush=True)
    stop = lambda *_: threading.Thread(target=server.shutdown).start()
    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
