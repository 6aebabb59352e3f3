"""The command palette's commands for the operations screen."""

from __future__ import annotations

from textual.command import Hit, Hits, Provider

COMMANDS = (
    ("Start or pause the clock", "toggle_clock"),
    ("Faster", "faster"),
    ("Slower", "slower"),
    ("Jump to the next event", "next_event"),
    ("Open the next decision", "open_decision"),
    ("Write an I-24/7 message", "compose"),
    ("Request a notice or a diffusion", "new_request"),
    ("Ask an NCB to arrest a person provisionally", "provisional_arrest"),
    ("Case board (requests and arrests)", "board"),
    ("Show the case file (people you know of)", "case_file"),
    ("Help", "help"),
    ("Quit (the session is saved)", "quit_session"),
)


class ExerciseCommands(Provider):
    async def search(self, query: str) -> Hits:
        from .screens.operations import OperationsScreen

        screen = self.screen  # the screen the palette was opened over
        if not isinstance(screen, OperationsScreen):
            return
        offered = tuple(c for c in COMMANDS if screen.check_action(c[1], ()))  # (the trainer's: fewer)
        for hit in screen_hits(self, query, screen, offered):
            yield hit


def screen_hits(provider: Provider, query: str, screen: object, commands: tuple[tuple[str, str], ...]) -> list[Hit]:
    """The palette's hits among a screen's (label, action) commands: each runs ``action_<action>``."""
    matcher = provider.matcher(query)
    return [Hit(score, matcher.highlight(label), getattr(screen, f"action_{action}"), help=f"({action})")
            for label, action in commands if (score := matcher.match(label)) > 0]
