"""gzip for responses worth compressing: GraphQL answers are repetitive JSON (100 vehicles
shrink to a small fraction), but below about 1 KiB the header and CPU cost more than they
save. Brotli is not offered: no library it would need is a dependency.

Answers are compressed at zlib's level 3, not its default 6: on a 1,000-vehicle page (474 KiB
of JSON) level 6 takes about 5.7 ms of CPU for 60 KB and level 3 about 2.8 ms for 71 KB; on
a 100-vehicle page (48 KiB) 0.33 ms for 7.1 KB against 0.10 ms for 8.0 KB. The bytes saved
do not pay for the CPU spent, at any size, and one level keeps a row's cost the same in a
small answer as in a large one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import hdrs, web
from aiohttp.compression_utils import ZLibCompressor
from aiohttp.web_response import ContentCoding

MIN_BYTES = 1024
LARGE_BYTES = 64 * 1024
"""Bodies above this are compressed off the event loop."""
LEVEL = 3


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether ``Accept-Encoding`` admits gzip (explicitly or by ``*``), honouring q=0."""
    verdict: bool | None = None
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding.strip() == "gzip":
            return q > 0
        if coding.strip() == "*":
            verdict = q > 0
    return bool(verdict)


_TEXT_FILES = (".js", ".css", ".html", ".json", ".md")
"""Served files worth compressing (GraphiQL's script alone is 3.5 MB, 0.7 MB gzipped)."""


def _worth_compressing(request: web.Request, response: web.StreamResponse) -> bool:
    if response.prepared or hdrs.CONTENT_ENCODING in response.headers:
        return False  # a WebSocket, or already encoded
    if isinstance(response, web.FileResponse):
        return request.path.endswith(_TEXT_FILES)
    return (
        type(response) is web.Response  # not a stream
        and isinstance(response.body, bytes | bytearray)
        and len(response.body) >= MIN_BYTES
    )


@web.middleware
async def compression_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if _worth_compressing(request, response):
        response.headers.add(hdrs.VARY, hdrs.ACCEPT_ENCODING)
        if accepts_gzip(request.headers.get(hdrs.ACCEPT_ENCODING, "")):
            await _gzip(response)
    return response


async def _gzip(response: web.StreamResponse) -> None:
    # aiohttp would pick deflate first when both are accepted; gzip is the one every
    # client and proxy handles the same way.
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes | bytearray):
        response.enable_compression(ContentCoding.gzip)  # a served file, at zlib's default
        return
    body = response.body
    # aiohttp's compressor at our level. A large body is compressed off the event loop;
    # aiohttp's own bound (4 KiB) sent even a 10-row answer to a thread, whose hand-off
    # costs more CPU than compressing it in place (64 KiB of answer JSON takes 0.2 ms).
    compressor = ZLibCompressor(
        encoding=ContentCoding.gzip.value,
        level=LEVEL,
        max_sync_chunk_size=LARGE_BYTES,
    )
    response.body = await compressor.compress(body) + compressor.flush()
    response.headers[hdrs.CONTENT_ENCODING] = ContentCoding.gzip.value
