"""The ``dealergraph`` command: ``serve``, ``sandbox``, ``check``, ``connect`` and
``export-schema``."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import logging
import os
import secrets
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from aiohttp import web

from adapters.vendors import VENDORS
from graph import logs
from graph.config import (
    OAUTH_DMS,
    AppConfig,
    ConfigError,
    EventsConfig,
    ServerConfig,
    load_config,
)
from graph.cors import SANDBOX_CORS_ORIGINS
from graph.gc_tuning import tune_for_serving
from graph.oauth import OAuthLinks
from graph.schema import schema_sdl

log = logging.getLogger("dealergraph")

SANDBOX_PORTS = {v.name: v.port for v in VENDORS}
SANDBOX_ACTIVITY_SECONDS = 20.0
SANDBOX_EVENTS = EventsConfig(poll=True, poll_interval_seconds=30)
"""Sandbox mode polls its session-login sandboxes (a few requests a minute, all local)."""
CODE_LOGIN_VENDORS = tuple(v.name for v in VENDORS if v.code_login)
"""The sandboxes with logins whose MFA is an SMS or e-mail code."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dealergraph", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the GraphQL API")
    serve.add_argument(
        "--config",
        type=Path,
        default=os.environ.get("DEALERGRAPH_CONFIG"),
        help="TOML configuration (default: $DEALERGRAPH_CONFIG; none: embedded sandbox)",
    )
    serve.add_argument("--host", help="listen address (default: from config, or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default: from config, or 8080)")
    serve.add_argument("--seed", type=int, default=1, help="sandbox data seed")
    serve.add_argument("--scale", type=float, default=1.0, help="sandbox data size factor")
    serve.add_argument(
        "--sandbox-mfa",
        action="append",
        default=[],
        metavar="VENDOR=METHOD",
        type=_code_login,
        help=f"sign in to a Supergood-family sandbox ({', '.join(CODE_LOGIN_VENDORS)}) as its"
        " login with sms or email MFA: the connection waits for the code, which the sandbox"
        " prints; submit it with submitDmsMfaCode (repeatable)",
    )
    serve.add_argument(
        "--verbose",
        action="store_true",
        help="log every request (access log) and every error answered with a code, such as"
        " NOT_SUPPORTED_BY_DMS (off by default: both cost CPU on every request)",
    )
    serve.add_argument(
        "--default-gc",
        action="store_true",
        help="keep Python's default garbage-collector settings instead of freezing start-up's"
        " objects and collecting at request-sized thresholds (to measure what they cost)",
    )
    serve.add_argument(
        "--sandbox-documented-only",
        action="store_true",
        help="the embedded sandboxes serve only what the vendor pages document: every"
        " extrapolated endpoint answers 404, as on a tenant that has none of them",
    )

    sandbox = sub.add_parser("sandbox", help="run only the vendor sandbox servers")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--seed", type=int, default=1)
    sandbox.add_argument("--scale", type=float, default=1.0)
    sandbox.add_argument(
        "--documented-only",
        action="store_true",
        help="serve only what the vendor pages document; extrapolated endpoints answer 404",
    )

    connect = sub.add_parser(
        "connect",
        help="print the address that authorizes an OAuth connection (open it as the shop's"
        " owner; the DMS then sends the browser to the running server's callback)",
    )
    connect.add_argument("dms", choices=sorted(d.value for d in OAUTH_DMS))
    connect.add_argument("--connection", required=True, help="the connection's id")
    connect.add_argument(
        "--config",
        type=Path,
        default=os.environ.get("DEALERGRAPH_CONFIG"),
        help="TOML configuration (default: $DEALERGRAPH_CONFIG)",
    )

    check = sub.add_parser(
        "check",
        help="validate the configuration, resolve its secrets, reach and sign in to every"
        " connection; one line per dealership; exits 1 if any fails",
    )
    check.add_argument(
        "--config",
        type=Path,
        default=os.environ.get("DEALERGRAPH_CONFIG"),
        help="TOML configuration (default: $DEALERGRAPH_CONFIG)",
    )

    export = sub.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    export.add_argument("--output", type=Path, help="write to this file instead of stdout")
    return parser


def _code_login(text: str) -> tuple[str, str]:
    vendor, sep, method = text.partition("=")
    if not sep or vendor not in CODE_LOGIN_VENDORS or method not in ("sms", "email"):
        raise argparse.ArgumentTypeError(
            f"expected VENDOR=sms or VENDOR=email with VENDOR one of"
            f" {', '.join(CODE_LOGIN_VENDORS)}, got {text!r}"
        )
    return vendor, method


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command != "serve" or args.default_gc:
        gc.enable()  # paused by graph.launch while modules load; serve resumes it once up
    logs.configure("text")
    try:
        if args.command == "export-schema":
            sdl = schema_sdl()
            if args.output:
                args.output.write_text(sdl)
            else:
                sys.stdout.write(sdl)
            return 0
        if args.command == "check":
            return asyncio.run(_check(args))
        if args.command == "connect":
            print(_authorize_address(args))
            return 0
        if args.command == "sandbox":
            asyncio.run(_run_sandbox(args))
            return 0
        asyncio.run(_serve(args))
        return 0
    except ConfigError as exc:
        print(f"dealergraph: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


async def _check(args: argparse.Namespace) -> int:
    """One line per dealership: ok, or the code and message of what the first request would
    meet (vendor text is scrubbed of secrets). 0 when every connection answered, else 1."""
    from graph.runtime import Runtime

    if not args.config:
        raise ConfigError("check needs --config (or $DEALERGRAPH_CONFIG)")
    config = load_config(args.config)
    runtime = await Runtime.start(config, dict(os.environ))
    try:
        results = await runtime.probe_all()
    finally:
        await runtime.close()
    failed = 0
    for result in sorted(results, key=lambda r: r.connection_id):
        for entry in result.dealerships:
            where = f"{entry.id} ({entry.dms.value}, connection {result.connection_id})"
            if result.error is None:
                print(f"ok    {where}")
            else:
                failed += 1
                print(f"FAIL  {where}: {result.error.code}: {result.error.message}")
    return 1 if failed else 0


def _authorize_address(args: argparse.Namespace) -> str:
    if not args.config:
        raise ConfigError("connect needs --config (or $DEALERGRAPH_CONFIG)")
    config = load_config(args.config)
    found = [c for c in config.connections if c.id == args.connection and c.dms.value == args.dms]
    if not found or found[0].oauth is None:
        raise ConfigError(f"{args.config}: no {args.dms} OAuth connection {args.connection!r}")
    links = OAuthLinks.from_config(config, os.environ)
    assert links is not None  # the connection found uses OAuth
    print(
        f"dealergraph: open this address as the shop's owner; the DMS then sends the browser"
        f" to {found[0].oauth.redirect_uri}, which must reach the running server:",
        file=sys.stderr,
    )
    return links.authorize_url(args.connection)


async def _serve(args: argparse.Namespace) -> None:
    from graph.app import create_app
    from graph.runtime import Runtime

    sandbox = None
    demo_key: str | None = None
    if args.config:
        if args.sandbox_documented_only:
            raise ConfigError("--sandbox-documented-only applies to the embedded sandbox only")
        config: AppConfig = load_config(args.config)
        environ: dict[str, str] = dict(os.environ)
    else:
        from graph.sandbox_mode import DEMO_KEY_ENV, sandbox_config
        from sandbox import SandboxOptions, start_sandbox

        options = SandboxOptions(
            seed=args.seed,
            scale=args.scale,
            documented_only=args.sandbox_documented_only,
            # Dated from today so polled changes carry today's times, with a work order
            # moving on now and then: live events to watch in GraphiQL.
            today=datetime.date.today(),
            activity_seconds=SANDBOX_ACTIVITY_SECONDS,
        )
        sandbox = await start_sandbox(options)
        demo_key = os.environ.get(DEMO_KEY_ENV) or secrets.token_urlsafe(24)
        # Sandbox data lives in memory, so idempotency records must not outlive it.
        data_dir = tempfile.mkdtemp(prefix="dealergraph-sandbox-")
        config, environ = sandbox_config(
            sandbox,
            demo_key,
            ServerConfig(data_dir=data_dir, cors_origins=list(SANDBOX_CORS_ORIGINS)),
            code_logins=dict(args.sandbox_mfa),
        )
        config = config.model_copy(update={"events": SANDBOX_EVENTS})

    logs.configure(config.server.log_format)
    runtime = await Runtime.start(config, environ)
    runtime.start_probing()  # /readyz answers 503 until each connection was reached once
    host = args.host or config.server.host
    port = args.port if args.port is not None else config.server.port
    app = create_app(runtime, demo_key=demo_key, log_answers=args.verbose)
    # aiohttp's default access logger formats a line per request even when nothing shows it.
    runner = web.AppRunner(app, **({} if args.verbose else {"access_log": None}))
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        url = f"http://{host}:{port}/graphql"
        if sandbox is not None:
            from graph.sandbox_mode import wire_sandbox_webhooks

            wire_sandbox_webhooks(sandbox, runtime, f"http://{host}:{port}")
        print(f"dealergraph: serving {len(runtime.dealerships)} dealerships at {url}", flush=True)
        if demo_key is not None:
            print("dealergraph: no --config given, so serving the embedded vendor sandboxes")
            if args.sandbox_documented_only:
                print("dealergraph: the sandboxes serve only what the vendor pages document")
            print(f"dealergraph: open {url} in a browser (GraphiQL); demo API key: {demo_key}")
            query = '{"query": "{ dealerships { name dms } }"}'
            print(
                f"dealergraph: curl -H 'Authorization: Bearer {demo_key}' "
                f"-H 'Content-Type: application/json' -d '{query}' {url}",
                flush=True,
            )
        if not args.default_gc:
            # After the serving line (its full collection takes a while) but before the
            # loop runs again, so no request is handled before start-up is frozen.
            tune_for_serving()
        await _wait_forever()
    finally:
        await runner.cleanup()
        await runtime.close()
        if sandbox is not None:
            await sandbox.stop()


async def _run_sandbox(args: argparse.Namespace) -> None:
    from sandbox import SandboxOptions, start_sandbox

    options = SandboxOptions(seed=args.seed, scale=args.scale, documented_only=args.documented_only)
    sandbox = await start_sandbox(options, host=args.host, ports=SANDBOX_PORTS)
    try:
        if args.documented_only:
            print("documented-only: extrapolated endpoints answer 404")
        for name, handle in sandbox.vendors.items():
            print(f"{name}: {handle.base_url}")
            for key, value in handle.credentials.items():
                print(f"  {key} = {value}")
            for method, user in (getattr(handle.state, "mfa_users", None) or {}).items():
                print(f"  {method} MFA login: {user.username} / {user.password}")
            for store_id, store_name in handle.stores:
                print(f"  store {store_id or '-'}: {store_name}")
        sys.stdout.flush()
        await _wait_forever()
    finally:
        await sandbox.stop()


async def _wait_forever() -> None:
    await asyncio.Event().wait()
