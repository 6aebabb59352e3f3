"""A decision waiting for the seat: the question, the form it is about, the rules' checks."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option as ListOption

from sim.api import DecisionView, format_minutes, request_checks, request_form

from ..text import shown


class DecisionScreen(ModalScreen[str | None]):
    """Returns the chosen option's key, or None when put off."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Later")]

    def __init__(self, decision: DecisionView, now: float, scenario, hints: bool) -> None:
        super().__init__()
        self.decision = decision
        self.now = now
        self.scenario = scenario
        self.hints = hints

    def compose(self) -> ComposeResult:
        d = self.decision
        left = format_minutes(max(0.0, d.deadline - self.now))
        with Vertical(id="decision"):
            yield Label(f"[b]{d.id}[/b] · {d.kind.replace('_', ' ')} · {left} left "
                        f"(then: {d.default})", id="decision-title")
            yield Static(shown(d.prompt, newlines=True), id="decision-prompt")
            yield OptionList(*[ListOption(shown(o.label), id=o.key) for o in d.options], id="decision-options")
            yield Label("enter: choose · escape: decide later", classes="muted")
            form = request_form(self.scenario, d.context.get("request", "")) if d.kind == "file_request" else {}
            if form:
                hidden = {"id", "after_inject", "at", "completes_on_request", "withdraw_after", "ccf"}
                lines = [f"[b]{k.replace('_', ' ')}[/b]: {shown(', '.join(map(str, v)) if isinstance(v, list) else v)}"
                         for k, v in form.items() if k not in hidden and v not in ([], None, "")]
                yield Static("\n".join(lines), id="decision-form")
                if self.hints:
                    checks = request_checks(self.scenario, d.context["request"])
                    yield Static("\n".join(f"⚠ {shown(c)}" for c in checks) or "✓ The form meets the review rules' checks.",
                                 id="decision-checks")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
