#!/usr/bin/python3
# nbest-ping.py -- the reproduction through the Python client: one
# client's 256-word request at beam 16, nbest 16 (model_only), another
# client's ping sent 10 ms into it, 5 times; prints each ping's and each
# request's round trip. With nbest answered on the event loop the ping
# waited for the request; with its network words on the workers it does
# not. A measurement, not a test (bench/nbest-ping.sh for percentiles).
# Usage: PYTHONPATH=client/python bench/nbest-ping.py SOCKET
import random
import sys
import threading
import time

import g2pclient


def one_round(path, seed):
    """One big nbest request with a ping 10 ms into it: (ping_ms, request_ms)."""
    rnd = random.Random(seed)
    words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz")
                     for _ in range(rnd.randint(5, 8))) for _ in range(256)]
    big, pinger = g2pclient.Client(path), g2pclient.Client(path)
    pinger.ping()  # connected before the big request starts
    took = [None]

    def heavy():
        t = time.perf_counter()
        big.words(words, model_only=True, beam=16, nbest=16)
        took[0] = time.perf_counter() - t

    th = threading.Thread(target=heavy)
    th.start()
    time.sleep(0.01)
    t = time.perf_counter()
    pinger.ping()
    ping = time.perf_counter() - t
    th.join()
    return ping * 1000, took[0] * 1000


def main():
    rounds = [one_round(sys.argv[1], seed) for seed in range(5)]
    print(" ".join("ping %.1f ms (request %.0f ms)" % r for r in rounds))


if __name__ == "__main__":
    main()
