"""Netpbm: PBM/PGM/PPM (P1-P6) text headers and PAM (P7) header lines."""

from __future__ import annotations

from .base import FIRST_REQUEST, PNM_LIMIT, Fail, FileView, Gen, ImageSize, oriented

PNM_NAMES = {
    ord("1"): "PBM",
    ord("2"): "PGM",
    ord("3"): "PPM",
    ord("4"): "PBM",
    ord("5"): "PGM",
    ord("6"): "PPM",
    ord("7"): "PAM",
}
PNM_SPACE = frozenset(b" \t\n\v\f\r")
_PAM_KEYS = frozenset({b"DEPTH", b"MAXVAL", b"TUPLTYPE"})


def _pnm_number(token: bytes, fmt: str, what: str) -> int:
    # Digits only (no sign, no "0x"), and few enough that int() is cheap and exact.
    if not token.isdigit():
        raise Fail(f"corrupt {fmt}: {what} {token[:16]!r} is not a number")
    if len(token) > 9:
        raise Fail(f"implausible {fmt} {what} {token[:16].decode('ascii')}...")
    return int(token)


def _pnm_header(data: bytes, fmt: str) -> tuple[int, int] | None:
    """P1-P6: width and height, the first two tokens after the magic; None: need more.

    Tokens are separated by whitespace; a ``#`` starts a comment up to the end of the
    line, which also ends a token (as in netpbm).  A token is only complete once the byte
    after it is seen, so "12" at the end of the data may still become "128".
    """
    values: list[int] = []
    i, n = 2, len(data)
    while len(values) < 2:
        if i >= n:
            return None
        c = data[i]
        if c in PNM_SPACE:
            i += 1
        elif c == 0x23:  # '#'
            ends = [e for e in (data.find(b"\n", i), data.find(b"\r", i)) if e >= 0]
            if not ends:
                return None
            i = min(ends) + 1
        else:
            j = i
            while j < n and 0x30 <= data[j] <= 0x39:
                j += 1
            if j - i > 9:
                _pnm_number(data[i:j], fmt, ("width", "height")[len(values)])  # fails
            if j >= n:
                return None
            if j == i or (data[j] not in PNM_SPACE and data[j] != 0x23):
                raise Fail(f"corrupt {fmt}: unexpected byte {data[j]:#04x} in header at offset {j}")
            values.append(_pnm_number(data[i:j], fmt, ("width", "height")[len(values)]))
            i = j
    return values[0], values[1]


def _pam_header(data: bytes) -> tuple[int, int] | None:
    """P7 (PAM): ``WIDTH n`` and ``HEIGHT n`` header lines; None: need more."""
    found: dict[bytes, int] = {}
    pos = 3
    while True:
        eol = data.find(b"\n", pos)
        if eol < 0:
            return None
        line, pos = data[pos:eol].strip(), eol + 1
        if not line or line.startswith(b"#"):
            continue
        key, _, value = line.partition(b" ")
        key, value = key.strip(), value.strip()
        if key in (b"WIDTH", b"HEIGHT"):
            if key in found:
                raise Fail(f"corrupt PAM: second {key.decode()} line")
            found[key] = _pnm_number(value, "PAM", key.decode().lower())
            if len(found) == 2:
                return found[b"WIDTH"], found[b"HEIGHT"]
        elif key == b"ENDHDR":
            raise Fail("corrupt PAM: header ends without WIDTH and HEIGHT")
        elif key not in _PAM_KEYS:
            raise Fail(f"corrupt PAM: unknown header line {line[:24]!r}")


def parse_pnm(src: FileView, head: bytes) -> Gen[ImageSize]:
    """PBM/PGM/PPM (P1-P6) and PAM (P7): text headers, read in a growing prefix."""
    fmt = PNM_NAMES[head[1]]
    if fmt == "PAM" and head[2:3] != b"\n":
        if head.startswith(b"P7 332"):
            raise Fail("unsupported format XV thumbnail (P7 332)")
        raise Fail("corrupt PAM: no newline after P7")
    limit = min(PNM_LIMIT, src.max_bytes)
    data = head
    while True:
        size = _pam_header(data) if fmt == "PAM" else _pnm_header(data, fmt)
        if size is not None:
            return oriented(fmt, size[0], size[1], False)
        if src.size is not None and len(data) >= src.size:
            raise Fail(f"truncated {fmt}: header incomplete")
        if len(data) >= limit:
            if limit < PNM_LIMIT:
                raise Fail(f"no size within the first {src.max_bytes} bytes")
            raise Fail(f"{fmt}: no complete width and height within the first {limit} bytes")
        # Double what we have: total bytes stay within 2x of what is needed.
        data = yield from src.fetch(0, min(limit, max(2 * len(data), FIRST_REQUEST)))
