#!/usr/bin/env python3
# Drives a running headless Chromium through the DevTools protocol, the way
# a person uses a browser: open a page, read it, take a screenshot, click a
# button with the mouse.  Standard library only (a minimal WebSocket client).
# SPDX-License-Identifier: Apache-2.0
#
# Usage: webui-drive.py PORT COMMAND [ARG...]
#
#   goto URL           navigate the page and wait until it has loaded
#   text [SELECTOR]    print the visible text (innerText) of the page, or of
#                      the last element SELECTOR (CSS) matches: with nested
#                      matches (a row and the tables around it) the innermost
#   html               print the page's DOM (outerHTML)
#   count SELECTOR     print how many elements SELECTOR (CSS) matches
#   screenshot FILE    save a PNG of the page as shown
#   click SELECTOR     press and release the left mouse button over the
#                      centre of the element SELECTOR (CSS), wait until the
#                      page it leads to has loaded
#
# PORT is Chromium's --remote-debugging-port on 127.0.0.1.  Each command
# attaches to the browser's first page, so the page (and its cookies) stays
# between commands.  Exit status 0 on success; 1 with a message on stderr
# otherwise.

import base64
import hashlib
import json
import os
import socket
import struct
import sys
import time
import urllib.request

HOST = "127.0.0.1"
TIMEOUT = 20.0
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class DriveError(Exception):
    """A failure to report on stderr (exit status 1)."""


def page_ws_path(port):
    """Return the WebSocket path of the browser's first page target."""
    with urllib.request.urlopen(f"http://{HOST}:{port}/json/list", timeout=5) as resp:
        targets = json.load(resp)
    for target in targets:
        if target.get("type") == "page":
            url = target["webSocketDebuggerUrl"]
            return url[url.index("/", len("ws://")):]
    raise DriveError("the browser has no page")


class WebSocket:
    """A client WebSocket (RFC 6455): text messages, masked client frames."""

    def __init__(self, port, path):
        self.sock = socket.create_connection((HOST, port), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise DriveError("the browser closed the WebSocket handshake")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise DriveError(f"WebSocket handshake refused: {lines[0]}")
        want = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        accept = [l.split(":", 1)[1].strip() for l in lines[1:]
                  if l.lower().startswith("sec-websocket-accept:")]
        if accept != [want]:
            raise DriveError("WebSocket handshake: wrong Sec-WebSocket-Accept")

    def send(self, text):
        """Send TEXT as one masked text frame."""
        data = text.encode()
        head = bytes([0x81])
        if len(data) < 126:
            head += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(head + mask + body)

    def _read(self, n):
        """Return exactly N bytes from the socket."""
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise DriveError("the browser closed the WebSocket")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        """Return the next text message (joining continuation frames)."""
        message = b""
        while True:
            b0, b1 = self._read(2)
            length = b1 & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(length)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise DriveError("the browser closed the WebSocket")
            if opcode == 0x9:
                self._pong(data)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += data
                if b0 & 0x80:
                    return message.decode()

    def _pong(self, data):
        """Answer a ping (payloads are tiny)."""
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(bytes([0x8A, 0x80 | len(data)]) + mask + body)


class Page:
    """One DevTools session on a page: commands and the events they cause."""

    def __init__(self, port):
        self.ws = WebSocket(port, page_ws_path(port))
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        """Send METHOD with PARAMS; return its result (events are kept)."""
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise DriveError(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg["method"])

    def wait_event(self, name):
        """Wait until event NAME arrives (it may have come already)."""
        deadline = time.monotonic() + TIMEOUT
        while name not in self.events:
            if time.monotonic() > deadline:
                raise DriveError(f"timed out waiting for {name}")
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg["method"])
        self.events.clear()

    def evaluate(self, expression):
        """Return the value of JavaScript EXPRESSION in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise DriveError(f"script failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")


def cmd_goto(page, url):
    """Navigate to URL and wait for its load event."""
    page.call("Page.enable")
    page.events.clear()
    result = page.call("Page.navigate", url=url)
    if result.get("errorText"):
        raise DriveError(f"cannot load {url}: {result['errorText']}")
    page.wait_event("Page.loadEventFired")


def cmd_text(page, selector):
    """Return the innerText of the last element SELECTOR matches."""
    text = page.evaluate(
        "(() => { const all = document.querySelectorAll(%s);"
        " return all.length ? all[all.length - 1].innerText : null; })()" % json.dumps(selector))
    if text is None:
        raise DriveError(f"no element matches {selector}")
    return text


def cmd_screenshot(page, path):
    """Save a PNG of the whole page to PATH."""
    size = page.evaluate("[document.documentElement.scrollWidth,"
                         " document.documentElement.scrollHeight]")
    shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                     clip={"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1})
    with open(path, "wb") as out:
        out.write(base64.b64decode(shot["data"]))


def cmd_click(page, selector):
    """Click the centre of SELECTOR with the mouse; wait for the next page."""
    rect = page.evaluate(
        "(() => { const e = document.querySelector(%s); if (!e) return null;"
        " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2]; })()" % json.dumps(selector))
    if rect is None:
        raise DriveError(f"no element matches {selector}")
    page.call("Page.enable")
    page.events.clear()
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        page.call("Input.dispatchMouseEvent", type=kind, x=rect[0], y=rect[1],
                  button="none" if kind == "mouseMoved" else "left", clickCount=1)
    page.wait_event("Page.loadEventFired")


def main(argv):
    """Run one command; return the exit status."""
    if len(argv) < 3:
        print("usage: webui-drive.py PORT COMMAND [ARG...]", file=sys.stderr)
        return 1
    port, command, args = int(argv[1]), argv[2], argv[3:]
    try:
        page = Page(port)
        if command == "goto" and len(args) == 1:
            cmd_goto(page, args[0])
        elif command == "text" and len(args) <= 1:
            print(cmd_text(page, args[0] if args else "body"))
        elif command == "count" and len(args) == 1:
            print(page.evaluate("document.querySelectorAll(%s).length" % json.dumps(args[0])))
        elif command == "html" and not args:
            print(page.evaluate("document.documentElement.outerHTML"))
        elif command == "screenshot" and len(args) == 1:
            cmd_screenshot(page, args[0])
        elif command == "click" and len(args) == 1:
            cmd_click(page, args[0])
        else:
            raise DriveError(f"unknown command or wrong arguments: {command}")
    except (DriveError, OSError, ValueError, KeyError) as err:
        print(f"webui-drive: {command}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
