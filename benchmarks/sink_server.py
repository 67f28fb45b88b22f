"""
An HTTP endpoint on loopback for the benchmarks: answers 200 to every POST, counts them (GET), and
prints its port. Run as a separate process, so it does not compete with the benchmark for the GIL.

    python benchmarks/sink_server.py [--latency-ms 50]

- ``bench_receivers.py``: openedx-webhooks' webhook endpoint; by default it answers at once (its
  best case: a real endpoint adds the network and TLS); ``--latency-ms`` makes it wait that long
  before answering, as a distant or busy NSS does;
- ``bench_delivery.py``: an NSS that answers at once, to measure what the sender's side costs.

Headers and body leave in one write with Nagle's algorithm off: on a kept-alive connection a
separate small write would otherwise wait for the client's delayed ACK (40 ms on Linux).
"""

import argparse
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    latency = 0.0  # seconds before answering a POST
    received = [0]  # shared by the handler's instances (one thread per connection)
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.latency:
            time.sleep(self.latency)
        with self.lock:
            self.received[0] += 1
        self._answer(b'{"stored":0}')

    def do_GET(self):  # noqa: N802
        self._answer(str(self.received[0]).encode())

    def _answer(self, body: bytes) -> None:
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                .encode("ascii"))
        self.wfile.write(head + body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=0.0, help="wait this long before answering a POST")
    Handler.latency = parser.parse_args().latency_ms / 1000
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_port, flush=True)
    sys.stdout.close()
    server.serve_forever()
