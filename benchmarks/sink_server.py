"""
A webhook endpoint on loopback for benchmarks/bench_receivers.py: answers 200 at once to every POST
(openedx-webhooks' best case: a real endpoint adds the network and TLS), counts them (GET), and
prints its port. Run as a separate process, so it does not compete with the benchmark for the GIL.
"""

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    received = [0]  # shared by the handler's instances (one per connection)

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received[0] += 1
        self._answer(b"ok")

    def do_GET(self):  # noqa: N802
        self._answer(str(self.received[0]).encode())

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_port, flush=True)
    sys.stdout.close()
    server.serve_forever()
