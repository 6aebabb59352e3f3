"""A decision waiting for the seat: the question, the form it is about, the rules' checks."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option as ListOption

from sim.api import DecisionView, format_minutes

from ..driver import Driver
from ..text import shown
from ..wording import Namer, field_label, kind_label, words

OPEN_FORM = "\x00open-form"  # not an option key: the person wants to write the form themselves


class DecisionScreen(ModalScreen[str | None]):
    """Returns the chosen option's key, or None when put off."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Later"),
                                             Binding("f", "open_form", "Write the form")]

    def __init__(self, decision: DecisionView, now: float, driver: Driver, hints: bool,
                 name: Namer | None = None) -> None:
        super().__init__()
        self.decision = decision
        self.now = now
        self.driver = driver  # the seat's prepared form and its checks, as its host gives them
        self.hints = hints
        self.namer = name or Namer({})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The trainer answers for a seat but writes no NCB's form.
        return action != "open_form" or (self.decision.kind == "file_request" and not self.driver.watching)

    def compose(self) -> ComposeResult:
        d = self.decision
        left = format_minutes(max(0.0, d.deadline - self.now))
        with Vertical(id="decision"):
            yield Label(f"[b]{d.id}[/b] · {d.kind.replace('_', ' ')} · {left} left "
                        f"(then: {d.default})", id="decision-title")
            yield Static(shown(self.namer.engine(d.prompt), newlines=True), id="decision-prompt")
            # The options are the engine's words too: countries by name, as in the question.
            yield OptionList(*[ListOption(shown(self.namer.engine(o.label)), id=o.key) for o in d.options],
                             id="decision-options")
            if self.driver.watching:
                hint = f"enter: choose for {self.namer.seat(d.seat)}, as the trainer · escape: decide later"
            elif d.kind == "file_request":
                hint = "enter: choose · f: write the form yourself · escape: decide later"
            else:
                hint = "enter: choose · escape: decide later"
            yield Label(shown(hint), classes="muted")
            form = self.driver.request_form(str(d.context.get("request", ""))) if d.kind == "file_request" else {}
            if form:
                hidden = {"id", "after_inject", "at", "completes_on_request", "withdraw_after", "ccf"}
                lines = [f"[b]{shown(field_label(k))}[/b]: {shown(self._value(k, v))}"
                         for k, v in form.items() if k not in hidden and v not in ([], None, "")]
                yield Static("\n".join(lines), id="decision-form")
                if self.hints:
                    checks = self.driver.request_checks(str(d.context["request"]))
                    yield Static("\n".join(f"⚠ {shown(c)}" for c in checks) or "✓ The form meets the review rules' checks.",
                                 id="decision-checks")

    def _value(self, key: str, value: object) -> str:
        """A form value in words: people by name, yes/no, whole numbers without '.0'."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, list):
            return ", ".join(self._value(key, v) for v in value)
        if key == "subject":
            return self.namer.subject(str(value))
        if key == "kind":
            return kind_label(str(value))
        return words(str(value)) if key in ("purpose", "offence", "character") else str(value)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_open_form(self) -> None:
        self.dismiss(OPEN_FORM)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
