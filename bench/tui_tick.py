"""TUI responsiveness on the world-baseline scenario (196 NCBs): start-up and one clock tick.

    python bench/tui_tick.py [--ticks 100] [--speed max] [--seat ncb:FR] [--split]

Start-up: from creating the app to the first screen drawn (headless). Tick: one frame of the
operations screen as its timer runs it (``OperationsScreen.frame``, every ``FRAME_S`` = 50 ms):
frames alternate between the engine's tick (advancing by 0.1 s of wall time at the given speed,
the clock bar redrawn) and one panel's turn (the next panel with news redrawn); each counts what
Textual then repaints. Counted in CPU time (the wall time of a headless Pilot also holds its idle
wait for the next frame, which is not work the UI does). At ``max`` the engine runs for its tick
budget of wall time (``TICK_BUDGET_S``) each engine frame. ``--ticks`` counts the engine's ticks
(twice as many frames). Targets: frame p95 <= 33 ms at maximum speed, start-up <= 1 s.

The clock's pace is also shown: sim minutes per wall second, the sim time an engine tick covered
(median) times the engine's 10 ticks a wall second.

Over a long run (``--ticks 800``: months of the baseline's year at maximum speed) the inbox grows by
thousands of messages: the last line compares the first and the last tenth of the frames, and
says how many rows the inbox then had, to show whether a frame costs more as the inbox grows.

``--split`` also gives the frames by kind (median, p95, how many): the engine's frame, split into
the engine's tick (``driver.tick``) and the drawing that follows it (the clock bar and Textual's
repaint), and each panel's turn by its panel (what the screen's ``paint`` draws, then the repaint),
to find which frames make the p95. Every frame also counts the Pilot's own wait for the screen
(``pilot.pause()``: about 1.2 ms of CPU an idle frame on the 2-core box), which Textual's timer
does not have.

Without ``--seat`` the screen is the observer's, the trainer's seat watching (the world baseline has
no players): what every NCB sends the General Secretariat reaches its inbox, and everything that
happens anywhere its log, the heaviest view there is. ``--seat ncb:FR`` is a trainee's desk.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


Kinds = dict[str, list[float]]


async def measure(ticks: int, speed: str, seat: str | None = None) -> tuple[float, list[float], list[float], int, Kinds]:
    from tui.app import make_app
    from tui.driver import SPEEDS
    from tui.screens.operations import OperationsScreen

    session = Path(tempfile.mkdtemp()) / "bench.db"
    t0 = time.perf_counter()
    app = make_app(str(ROOT / "scenarios" / "world-baseline.yaml"), seat, str(session), clock=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        startup = time.perf_counter() - t0
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OperationsScreen)
        driver = app.driver
        driver.speed_index = [name for name, _ in SPEEDS].index(speed)
        driver.paused = False
        driver.pause_on_decision = False
        times, covered = [], []
        kinds: Kinds = {}
        painted: list[str] = []
        paint = screen.paint

        def paint_noted(panel: str) -> None:
            painted.append(panel)
            paint(panel)

        screen.paint = paint_noted  # type: ignore[method-assign]
        for _ in range(ticks):
            # The two frames OperationsScreen.frame alternates (its timer's wall clock aside).
            t, was = time.process_time(), driver.now
            changed = driver.tick(0.1)
            engine = time.process_time()
            screen.clock_moved(changed)
            await pilot.pause()
            end = time.process_time()
            times.append(end - t)
            kinds.setdefault("engine frame", []).append(end - t)
            kinds.setdefault("  engine tick", []).append(engine - t)
            kinds.setdefault("  clock bar + repaint", []).append(end - engine)
            covered.append(driver.now - was)
            painted.clear()
            t = time.process_time()
            screen.paint_turn()
            drawn = time.process_time()
            await pilot.pause()
            end = time.process_time()
            times.append(end - t)
            panel = painted[0] if painted else "nothing"
            kinds.setdefault(f"{panel} turn", []).append(end - t)
            kinds.setdefault(f"  {panel}: paint", []).append(drawn - t)
            kinds.setdefault(f"  {panel}: repaint", []).append(end - drawn)
        rows = len(driver.inbox())
    return startup, times, covered, rows, kinds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ticks", type=int, default=100)
    ap.add_argument("--speed", default="max")
    ap.add_argument("--seat", default=None, help="a seat to play (default: the observer's screen)")
    ap.add_argument("--split", action="store_true", help="also the frames by kind: the engine's, each panel's turn")
    a = ap.parse_args()
    startup, times, covered, rows, kinds = asyncio.run(measure(a.ticks, a.speed, a.seat))
    ms = sorted(t * 1000 for t in times)
    print(f"start-up to the first screen: {startup * 1000:.0f} ms (target <= 1000 ms)")
    print(f"frame at {a.speed} ({len(times)} frames, {a.seat or 'observer'}), CPU: median {statistics.median(ms):.1f} ms, "
          f"p90 {ms[int(0.9 * (len(ms) - 1))]:.1f} ms, p95 {_p95(ms):.1f} ms, "
          f"max {ms[-1]:.1f} ms (target p95 <= 33 ms)")
    print(f"clock: {statistics.median(covered) * 10:.0f} sim minutes per wall second "
          f"(median sim time of an engine tick x 10 ticks a second)")
    tenth = max(1, len(times) // 10)
    early, late = (sorted(t * 1000 for t in part) for part in (times[:tenth], times[-tenth:]))
    print(f"growth: the first {tenth} frames median {statistics.median(early):.1f} ms, p95 {_p95(early):.1f} ms; "
          f"the last {tenth} median {statistics.median(late):.1f} ms, p95 {_p95(late):.1f} ms; "
          f"the inbox ends with {rows} messages")
    if a.split:
        print("by kind, CPU ms (median, p95, frames):")
        for kind, spent in kinds.items():
            part = sorted(t * 1000 for t in spent)
            print(f"  {kind:<28} {statistics.median(part):6.1f} {_p95(part):6.1f} {len(part):5d}")


def _p95(ms: list[float]) -> float:
    return ms[int(0.95 * (len(ms) - 1))]


if __name__ == "__main__":
    main()
