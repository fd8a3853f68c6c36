"""Python client for rnninferd, the grapheme-to-phoneme daemon.

    from g2pclient import Client
    with Client() as c:
        print(c.words(["aardvark"])[0].phones)   # AA1 R D V AA2 R K

The wire protocol is doc/protocol.md in the rnninferd sources; this package
is pure Python (standard library sockets plus msgpack).
"""

from . import errors
from .client import (DEFAULT_TIMEOUT, DEFAULT_WINDOW, Client, Result, WordError,
                     default_socket_path)
from .errors import (ConnectError, ConnectionClosed, G2PError, ProtocolError,
                     ServerError, Timeout)

__version__ = "0.1.0"

__all__ = [
    "Client", "Result", "WordError", "default_socket_path", "DEFAULT_TIMEOUT",
    "DEFAULT_WINDOW", "G2PError", "ServerError", "ConnectError", "Timeout",
    "ConnectionClosed", "ProtocolError", "errors",
]
