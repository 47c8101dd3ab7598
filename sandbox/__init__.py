"""Local stand-ins for the vendor DMS APIs, speaking each vendor's documented contract.

    sb = await start_sandbox(SandboxOptions(seed=1))
    autosoft = sb.vendors["autosoft"]   # base_url, credentials, stores, requests, state
    ...
    await sb.stop()                     # or: async with await start_sandbox() as sb:

Everything runs on the caller's event loop; data is generated from the seed, so the same
options give byte-identical responses.
"""

from sandbox.common.request_log import RequestLog, RequestRecord
from sandbox.options import SandboxOptions
from sandbox.server import RunningSandbox, VendorHandle, start_sandbox

__all__ = [
    "RequestLog",
    "RequestRecord",
    "RunningSandbox",
    "SandboxOptions",
    "VendorHandle",
    "start_sandbox",
]
