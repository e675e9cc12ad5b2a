"""Offline simulator of Apple's App and Book Management API v2 (see apple-api.md §12).

`core.Simulator` holds the state and answers `handle(method, url, headers, body)`;
`transport.SimulatorTransport` and `app.create_app` put it behind httpx or ASGI;
`worlds.build_world("demo" | "scale", clock=...)` builds ready-made worlds;
`faults.parse_fault` reads `--fault` specs; `serve` is the `vpp-tui simulator` command.
Nothing is imported here so that `serve` stays cheap for the CLI parser.
"""
