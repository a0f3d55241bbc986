"""The grader's end of its framed connections to the processes it starts (runners, verdict processes).

A message is a JSON header line carrying the payload's ``size``, then that many bytes. The processes at the
other end frame theirs the same way with their own few lines (``runner.py`` and ``verdict.py`` run where no
grader module is importable).
"""

import json
import os
import select
import time


class Closed(EOFError):
    """The other end closed the connection."""


class Malformed(ValueError):
    """What came is not a message."""


class TooLarge(Malformed):
    """A message whose payload is larger than the reader accepts."""

    def __init__(self, size, limit):
        super().__init__(f"a message of {size} bytes, more than {limit}")
        self.size, self.limit = size, limit


def frame(header, payload=b""):
    """``header`` (a dict) and ``payload`` as one message."""
    return json.dumps({**header, "size": len(payload)}).encode() + b"\n" + payload


class FramedReader:
    """Messages read from file descriptor ``fd`` within a deadline, each checked before it is used; ``max_header``
    and ``max_payload`` bound what a hostile writer can make this process hold."""

    def __init__(self, fd, max_header=None, max_payload=None):
        self.fd = fd
        self.max_header = max_header
        self.max_payload = max_payload
        self.buffer = bytearray()

    def receive(self, deadline=None):
        """The next message, (header, payload), by ``deadline`` (``time.monotonic()``; None waits without end):
        TimeoutError when it passes, Closed when the other end closes, Malformed when what came is not a message."""
        while True:
            message = self._parsed()
            if message is not None:
                return message
            remaining = None if deadline is None else deadline - time.monotonic()
            if (remaining is not None and remaining <= 0) or not select.select([self.fd], [], [], remaining)[0]:
                raise TimeoutError("no message before the deadline")
            try:
                chunk = os.read(self.fd, 1 << 20)
            except OSError as error:
                raise Closed(f"the connection closed ({error})") from error
            if not chunk:
                raise Closed("the connection closed")
            self.buffer += chunk

    def _parsed(self):
        end = self.buffer.find(b"\n", 0, None if self.max_header is None else self.max_header + 1)
        if end < 0:
            if self.max_header is not None and len(self.buffer) > self.max_header:
                raise Malformed("a header line that is too long")
            return None
        try:
            header = json.loads(bytes(self.buffer[:end]))
        except ValueError:
            raise Malformed("a header that is not JSON") from None
        size = header.get("size") if isinstance(header, dict) else None
        if not isinstance(size, int) or size < 0:
            raise Malformed(f"a message whose size is {size!r}")
        if self.max_payload is not None and size > self.max_payload:
            raise TooLarge(size, self.max_payload)
        if len(self.buffer) < end + 1 + size:
            return None
        payload = bytes(self.buffer[end + 1:end + 1 + size])
        del self.buffer[:end + 1 + size]
        return header, payload
