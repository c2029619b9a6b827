"""Server-Sent Events: push the newest state document to one browser until told to stop."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any


class StateBoard:
    """The latest state document; the main loop publishes, web threads wait on it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._seq = 0
        self._document = "{}"

    def publish(self, state: dict[str, Any]) -> None:
        """Replace the document with ``state`` as JSON and wake every waiting client."""
        self.publish_document(json.dumps(state, default=str))

    def publish_document(self, document: str) -> None:
        """Replace the document (already JSON) and wake every waiting client."""
        with self._cond:
            self._seq += 1
            self._document = document
            self._cond.notify_all()

    def latest(self) -> tuple[int, str]:
        """(sequence number, document)."""
        with self._cond:
            return self._seq, self._document

    def wait(self, after_seq: int, timeout_s: float) -> tuple[int, str]:
        """Block until a document newer than ``after_seq`` exists, or the timeout."""
        with self._cond:
            self._cond.wait_for(lambda: self._seq > after_seq, timeout=timeout_s)
            return self._seq, self._document


# wait(last_seq, timeout_s) -> (seq, document): blocks until a newer document or the timeout.
WaitForDocument = Callable[[int, float], tuple[int, str]]


def stream_documents(
    handler: BaseHTTPRequestHandler, wait: WaitForDocument, stopping: threading.Event
) -> None:
    """Answer ``handler``'s request with an event stream of every new document.

    A comment line goes out each second without news, so a closed tab is
    noticed (the write fails) and its thread ends.
    """
    handler.send_response(HTTPStatus.OK)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Cache-Control", "no-store")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    seq = 0
    try:
        while not stopping.is_set():
            new_seq, document = wait(seq, 1.0)
            if new_seq == seq:
                handler.wfile.write(b": still here\n\n")
            else:
                seq = new_seq
                handler.wfile.write(b"data: " + document.encode() + b"\n\n")
            handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        return
