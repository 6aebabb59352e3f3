"""The trainee's app: picker → briefing → operations → debrief. Built by ``make_app``."""

from __future__ import annotations

import os
from pathlib import Path

from textual import on
from textual.app import App

from sim.api import InputError, RunError, check_outputs, load_scenario, render_html, session_file_for, write_output_text

from .commands import ExerciseCommands
from .driver import Driver
from .messages import BriefingRead, ExerciseChosen, ExerciseEnded
from .screens.briefing import BriefingScreen
from .screens.debrief import DebriefScreen
from .screens.help import HelpScreen
from .screens.operations import OperationsScreen
from .screens.picker import PickerScreen


class NcbsimApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "ncbsim"
    COMMANDS = App.COMMANDS | {ExerciseCommands}

    def __init__(self, scenario: str | None = None, seat: str | None = None, session: str | None = None,
                 library: Path | None = None, clock: bool = True, trainer: bool = False,
                 automate: bool = False, driver: Driver | None = None) -> None:
        super().__init__()
        self.trainer, self.automate = trainer, automate
        self.scenario_path, self.seat, self.session = scenario, seat, session
        self.library = library or Path.cwd() / "scenarios"
        self.clock = clock  # tests turn the wall clock off and step the engine themselves
        self.driver: Driver | None = driver  # given: a seat joined to an exercise server
        self._debriefed = False
        self.report_written: str | None = None  # the debrief's HTML file, once written

    def on_mount(self) -> None:
        if self.driver is not None:  # joined to an exercise server
            self._first_screen(self.driver, trainer=self.driver.seat == "trainer")
        elif self.scenario_path or (self.session and os.path.exists(self.session)):
            self.open_scenario(self.scenario_path)
        else:
            self.push_screen(PickerScreen(self.library))

    def open_scenario(self, path: str | None) -> None:
        if self.session is None and path is not None:
            # A session people can find: a named file in the folder ncbsim was started from.
            seat = "trainer" if self.trainer else self.seat or next(
                (p.seat for p in load_scenario(path).scenario.players), "trainer")
            self.session = os.fspath(session_file_for(path, seat))
        self.driver = Driver.open(path, self.seat, self.session, trainer=self.trainer, automate=self.automate)
        self._first_screen(self.driver, trainer=self.trainer)

    def _first_screen(self, driver: Driver, *, trainer: bool) -> None:
        """The trainer's console, or a seat's briefing before its clock starts."""
        if trainer:
            from .screens.trainer import TrainerScreen

            self.push_screen(TrainerScreen(driver, clock=self.clock))
            return
        sc = driver.host.scenario
        self.push_screen(BriefingScreen(sc.title, driver.name.seat(driver.seat), sc.briefing, sc.learning_objectives))

    @property
    def opened(self) -> Driver:
        """The open exercise's driver: every screen after the picker has one."""
        if self.driver is None:
            raise RuntimeError("no exercise has been opened yet")
        return self.driver

    @on(ExerciseChosen)
    def _chosen(self, message: ExerciseChosen) -> None:
        self.open_scenario(message.path)

    @on(BriefingRead)
    def start_operations(self) -> None:
        self.push_screen(OperationsScreen(self.opened, clock=self.clock))

    @property
    def session_note(self) -> str | None:
        """Where the exercise was recorded and how to go on from it, said when the app has closed
        (play, trainer and after the debrief alike), with the debrief report's file if one was written."""
        if self.driver is None:
            return None
        if self.driver.served:  # a seat of a served exercise: the server keeps the session
            note = (f"you played {self.driver.seat} on the exercise server; the session is kept there"
                    "\n  rejoin:     the same ncbsim play --join command, with your token")
            return note + (f"\n  report written to {self.report_written}" if self.report_written else "")
        path = _shown(self.driver.host.session_path)
        again = "ncbsim trainer" if self.trainer else "ncbsim play --session"
        report = _shown(Path(path).with_name(Path(path).stem + "-report.html"))
        note = (f"session recorded in {path}\n  resume it:  {again} {path}\n"
                f"  report:     ncbsim report {path} --html {report}")
        if self.report_written:
            note += f"\n  report written to {self.report_written}"
        return note

    def on_unmount(self) -> None:
        if self.driver is not None:
            self.driver.close()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    @on(ExerciseEnded)
    def show_debrief(self) -> None:
        if self._debriefed:
            return
        self._debriefed = True
        debrief = self.opened.host.debrief(source="ncbsim play")
        # Beside the session file and named after it, so it is that session's report; numbered
        # rather than overwrite one already there. A served seat's, in the folder it was started from.
        if not self.opened.served:
            session = self.opened.host.session_path
            report = _free(session.resolve().parent / f"{session.stem}-report.html")
        else:
            seat = "".join(c if c.isalnum() else "-" for c in self.opened.seat)
            report = _free(Path.cwd() / f"{self.opened.host.scenario.id}-{seat}-report.html")
        # The debrief on screen does not depend on the file: a report that cannot be written
        # (read-only folder, full disk, or a path that is one of the exercise's own files) is skipped.
        inputs = [p for p in (self.scenario_path, self.session) if p]
        try:
            check_outputs([("debrief report", os.fspath(report))], inputs=inputs)
            write_output_text(report, render_html(debrief))
            where: str | None = _shown(report)
        except (InputError, RunError, OSError):
            where = None
        self.report_written = where
        self.push_screen(DebriefScreen(debrief, where))


def _shown(path: Path | str) -> str:
    """A path as a person can type it from where they are: relative below the current folder."""
    p = Path(path).resolve()
    return os.path.relpath(p) if p.is_relative_to(Path.cwd().resolve()) else os.fspath(p)


def _free(path: Path) -> Path:
    """``path``, or the first of NAME-2, NAME-3… not taken: one debrief never overwrites another."""
    candidate, n = path, 2
    while candidate.exists() or candidate.is_symlink():
        candidate, n = path.with_name(f"{path.stem}-{n}{path.suffix}"), n + 1
    return candidate


def make_app(scenario: str | None = None, seat: str | None = None, session: str | None = None,
             library: Path | None = None, clock: bool = True, trainer: bool = False,
             automate: bool = False, driver: Driver | None = None) -> NcbsimApp:
    return NcbsimApp(scenario, seat, session, library, clock, trainer, automate, driver)
