"""Regenerate screenshots/*.svg: every console section at 120×34 on the demo world.

Run from the repository root: `.venv/bin/python scripts/screenshots.py`. The demo is
seeded into a temporary store with a fixed clock, so the pictures change only when the
console does.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (120, 34)
# (file name, keys pressed after the console settles)
SHOTS = [
    ("tokens", ()),
    ("tokens-details", ("down", "down", "down", "down", "down", "enter")),
    ("tokens-add", ("a",)),
    ("tokens-delete", ("down", "down", "down", "down", "delete")),
    ("apps", ("2",)),
    ("ebooks", ("3",)),
    ("assignments", ("4",)),
    ("prompts", ("5",)),
    ("directory", ("6",)),
    ("activity", ("7",)),
    ("help", ("7", "f1")),
]


async def shoot(folder: Path, out: Path, name: str, keys: tuple[str, ...]) -> None:
    from tests.ui.conftest import settle
    from tests.ui.demo_world import demo_context
    from vpp_tui.ui.app import VppApp

    ctx, _simulator = demo_context(folder / name)
    app = VppApp(ctx, demo=True, cursor_blink=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            app.save_screenshot(str(out / f"{name}.svg"))
    finally:
        ctx.store.close()


def main() -> int:
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # The same "~" and local time on every machine.
        os.environ["HOME"] = str(folder)
        os.environ["TZ"] = "UTC"
        time.tzset()
        for name, keys in SHOTS:
            (folder / name).mkdir()
            asyncio.run(shoot(folder, out, name, keys))
            print(f"screenshots/{name}.svg")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
