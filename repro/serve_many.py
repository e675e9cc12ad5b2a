"""Serve bench/workers.py's world of N small locations (one token file each) with
/_simulator/control on. Usage: serve_many.py N PORT TOKENS_DIR"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import uvicorn  # noqa: E402

from bench.workers import build_world  # noqa: E402
from vpp_tui.simulator.app import create_app  # noqa: E402
from vpp_tui.simulator.serve import write_tokens  # noqa: E402

n, port, folder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sim = build_world(n)
sim.event_delay = 0.5
sim.control = True
write_tokens(sim, folder, f"http://127.0.0.1:{port}/mdm/v2")
print("serving", flush=True)
uvicorn.run(create_app(sim), host="127.0.0.1", port=port, log_level="warning")
