"""Image size with as few bytes as possible: drive the sans-IO parser over HTTP.

Each byte request of the parser is served from bytes already received, else
by a ``Range: bytes=a-b`` GET (at least ``settings.image_chunk`` bytes, to save
round trips on tiny requests). A server that ignores Range answers 200 with
the whole file: that stream is then read forward only as far as the parser
needs (bytes before a requested offset are discarded, not kept) and closed as
soon as the size is known. ``Accept-Encoding: identity`` keeps byte offsets
meaningful. The format comes from magic bytes (the parser), never from
Content-Type. A byte cap per image bounds everything received.

A suffix request of the parser (negative offset: the file's last bytes, for the
TGA 2.0 footer) is served from bytes already received when the file size is
known and they are at hand, else by a ``Range: bytes=-n`` GET. On a stream
(Range ignored) it means reading to the end of the file, within the byte cap.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Generator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx

from ._http import Budget, Counters, Session, classify, status_text
from .guard import BadUrl, GuardPolicy, check_url
from .links import Chain, HopProblem, next_location, outcome_for_status
from .results import (
    ByteRequestLike,
    ImageResult,
    ImageSizeLike,
    MeasuredSize,
    Outcome,
    SizeReader,
    measured,
)

log = logging.getLogger(__name__)

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_UNSATISFIED_RANGE = re.compile(r"^\s*bytes\s+\*/(\d+)\s*$", re.IGNORECASE)


class _GiveUp(Exception):
    """Stop measuring: the size cannot be read (becomes SIZE_UNKNOWN)."""


class _BadStatus(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(status_text(status, reason))
        self.status = status


class _Source:
    """Serves (offset, length) reads for one image URL over HTTP."""

    def __init__(
        self, session: Session, policy: GuardPolicy, url: str, budget: Budget, counters: Counters
    ) -> None:
        self.session = session
        self.policy = policy
        self.budget = budget
        self.counters = counters
        self.cap = session.settings.image_max_bytes
        self.chain = Chain(start=url)
        self.status: int | None = None
        self.segments: list[tuple[int, bytes]] = []  # range mode: what we have, by offset
        self.size: int | None = None  # file size once a server told us
        self.stack = AsyncExitStack()  # owns an open 200 stream, if any
        self.stream: AsyncIterator[bytes] | None = None
        self.buf = bytearray()  # stream mode: bytes from buf_start up to the stream position
        self.buf_start = 0
        self._reading: httpx.Response | None = None  # a 206 being read
        self._streaming: httpx.Response | None = None  # a 200 kept open as the stream

    @property
    def received(self) -> int:
        """Body bytes received so far, open responses included."""
        live = sum(r.num_bytes_downloaded for r in (self._reading, self._streaming) if r)
        return self.counters.body_bytes + live

    async def aclose(self) -> None:
        """Close a kept-open stream (its bytes then land in the counters)."""
        await self.stack.aclose()
        self._streaming = self.stream = None

    @asynccontextmanager
    async def _get(self, headers: dict[str, str]) -> AsyncIterator[httpx.Response]:
        """GET the image (following redirects, each hop guarded); yield the final response."""
        # The first request walks self.chain; later ones start from its end, so a
        # signed-URL redirect on every range request is not mistaken for a loop.
        chain = self.chain if self.status is None else Chain(start=self.chain.current)
        max_redirects = self.session.settings.max_redirects
        while True:
            async with self.session.open(
                "GET", chain.current, budget=self.budget, counters=self.counters, headers=headers
            ) as resp:
                if next_location(resp, chain, max_redirects, self.policy) is None:
                    if self.status is None:
                        self.status = resp.status_code
                    yield resp
                    return

    async def _chunk(self, chunks: AsyncIterator[bytes]) -> bytes | None:
        try:
            data = await self.budget.run(chunks.__anext__())
        except StopAsyncIteration:
            return None
        if self.received > self.cap:
            raise _GiveUp(f"no size found within the {self.cap}-byte cap")
        return data

    async def read(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes at ``offset``; fewer only at end of file.

        A negative ``offset`` asks for the last ``length`` bytes of the file.
        """
        if offset < 0:
            return await self._read_suffix(length)
        if self.size is not None and offset >= self.size:
            return b""
        for start, data in self.segments:
            end = start + len(data)
            if start <= offset and (end >= offset + length or end == self.size):
                return data[offset - start : offset - start + length]
        if self.stream is not None:
            return await self._read_stream(offset, length)
        return await self._read_range(offset, length)

    async def _read_suffix(self, length: int) -> bytes:
        """The file's last ``length`` bytes (all of it if shorter)."""
        if self.size is not None:
            start = max(self.size - length, 0)
            for begin, data in self.segments:
                if begin <= start and begin + len(data) >= self.size:
                    return data[start - begin : self.size - begin]
        if self.stream is not None:
            return await self._read_stream_tail(length)
        return await self._read_range(None, length)

    async def _read_range(self, offset: int | None, length: int) -> bytes:
        """``length`` bytes at ``offset`` (more if cheap), or the last ``length`` if None."""
        if offset is None:
            want = min(length, self.cap - self.received)
            spec = f"-{length}"
        else:
            want = min(max(length, self.session.settings.image_chunk), self.cap - self.received)
            spec = f"{offset}-{offset + want - 1}"
        if want < length:
            raise _GiveUp(f"no size found within the {self.cap}-byte cap")
        headers = {"Range": f"bytes={spec}", "Accept-Encoding": "identity"}
        async with AsyncExitStack() as local:
            resp = await local.enter_async_context(self._get(headers))
            status = resp.status_code
            if status == 416:
                match = _UNSATISFIED_RANGE.match(resp.headers.get("Content-Range", ""))
                self.size = int(match.group(1)) if match else offset
                return b""
            if status == 200:
                # Range ignored: keep this response open (owned by self.stack) as the stream.
                self.counters.notes.append("server ignored Range; read as a stream")
                await self.stack.enter_async_context(local.pop_all())
                self._streaming = resp
                self.stream = resp.aiter_raw()
                self.buf, self.buf_start = bytearray(), 0
                if offset is None:
                    return await self._read_stream_tail(length)
                return await self._read_stream(offset, length)
            if status != 206:
                raise _BadStatus(status, resp.reason_phrase)
            start = offset
            match = _CONTENT_RANGE.match(resp.headers.get("Content-Range", ""))
            if match:
                start = int(match.group(1))
                if match.group(3) != "*":
                    self.size = int(match.group(3))
            if offset is not None and start is not None and start > offset:
                raise _GiveUp(f"server answered bytes from {start} when asked for {offset}")
            # A suffix answer is read to its end (its last bytes are the ones asked for).
            limit = want + (offset - start) if offset is not None and start is not None else None
            data = bytearray()
            self._reading = resp
            try:
                chunks = resp.aiter_raw()
                while limit is None or len(data) < limit:
                    chunk = await self._chunk(chunks)
                    if chunk is None:
                        break
                    data += chunk
            finally:
                self._reading = None  # closing puts its bytes in counters
        if start is not None:
            self.segments.append((start, bytes(data)))
        if offset is None:
            return bytes(data[-length:])
        assert start is not None
        return bytes(data[offset - start : offset - start + length])

    async def _read_stream(self, offset: int, length: int) -> bytes:
        assert self.stream is not None
        if offset < self.buf_start:
            raise _GiveUp("parser went back to bytes already discarded")
        # Invariant: buf_start + len(buf) is the stream position. Drop what lies
        # before the offset: the parser only moves forward.
        drop = min(len(self.buf), offset - self.buf_start)
        del self.buf[:drop]
        self.buf_start += drop
        while self.buf_start + len(self.buf) < offset + length:
            chunk = await self._chunk(self.stream)
            if chunk is None:
                self.size = self.buf_start + len(self.buf)
                break
            position = self.buf_start + len(self.buf)
            if position < offset:  # buf is empty here: skip up to the offset
                skip = min(len(chunk), offset - position)
                chunk = chunk[skip:]
                self.buf_start += skip
            self.buf += chunk
        begin = offset - self.buf_start
        return bytes(self.buf[begin : begin + length])

    async def _read_stream_tail(self, length: int) -> bytes:
        """Read the stream to its end within the cap; keep (and return) the last bytes."""
        assert self.stream is not None
        while self.size is None or self.buf_start + len(self.buf) < self.size:
            try:
                chunk = await self._chunk(self.stream)
            except _GiveUp:
                raise _GiveUp(
                    f"the file's last {length} bytes lie beyond the {self.cap}-byte cap "
                    "and the server ignores Range"
                ) from None
            if chunk is None:
                self.size = self.buf_start + len(self.buf)
                break
            self.buf += chunk
            drop = max(len(self.buf) - length, 0)
            del self.buf[:drop]
            self.buf_start += drop
        start = max(self.size - length, 0)
        if start < self.buf_start:
            raise _GiveUp("parser went back to bytes already discarded")
        return bytes(self.buf[start - self.buf_start :])


async def probe_image(
    session: Session, policy: GuardPolicy, url: str, read_size: SizeReader
) -> ImageResult:
    """Measure one image; never raises for anything the network, URL or file does."""
    try:
        why = check_url(url, policy)
    except BadUrl as exc:
        return ImageResult(url, Outcome.INVALID_URL, None, str(exc))
    if why:
        return ImageResult(url, Outcome.FORBIDDEN_ADDRESS, None, why)
    counters = Counters()
    source = _Source(session, policy, url, session.budget(), counters)

    parser = read_size(session.settings.image_max_bytes)
    try:
        outcome, detail, size = await _measure(parser, source, url)
    finally:
        parser.close()
        await source.aclose()  # before counting: an open stream's bytes count too
    if counters.notes:
        detail = f"{detail} ({'; '.join(dict.fromkeys(counters.notes))})"
    return ImageResult(
        url,
        outcome,
        size,
        detail,
        counters.requests,
        counters.body_bytes,
        status=source.status,
        final_url=source.chain.current if counters.requests else None,
        permanent_redirect=source.chain.permanent,
    )


async def _measure(
    parser: Generator[ByteRequestLike, bytes, object], source: _Source, url: str
) -> tuple[Outcome, str, MeasuredSize | None]:
    try:
        request = next(parser)
        while True:
            data = await source.read(request.offset, request.length)
            request = parser.send(data)
    except StopIteration as stop:
        found = stop.value
        if isinstance(found, ImageSizeLike):
            size = measured(found)
            return Outcome.MEASURED, f"{size.format} {size.width}x{size.height}", size
        return Outcome.SIZE_UNKNOWN, str(getattr(found, "reason", found)), None
    except _GiveUp as exc:
        return Outcome.SIZE_UNKNOWN, str(exc), None
    except _BadStatus as exc:
        outcome = outcome_for_status(exc.status)
        if outcome is Outcome.ALIVE:  # 204, 203...: reached, but no image bytes to read
            return Outcome.SIZE_UNKNOWN, f"{exc} instead of image data", None
        return outcome, str(exc), None
    except HopProblem as exc:
        return exc.outcome, exc.detail, None
    except Exception as exc:  # one URL must never abort the run
        outcome, detail = classify(exc)
        if detail.startswith("unexpected"):
            log.exception("unexpected error measuring %s", url)
        return outcome, detail, None
