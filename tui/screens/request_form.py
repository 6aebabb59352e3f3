"""A notice or diffusion request form: the kind's full form, checked as the person types.

Reference, kind, subject (by name), purpose, offence, penalty or sentence, the kind's own fields,
for a diffusion its recipients (the same picker as messages) and for a Silver Notice the measures
it asks for. The review rules the form
breaks as written are shown under it at every keystroke (unless the exercise turns hints off).
"Save draft" keeps it; "Submit" sends it to the General Secretariat (a diffusion circulates at
once); a request the NDTF sent back is corrected here and submitted again.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static

from sim.api import Refused, sentence_start
from sim.play.commands import DraftRequest, SubmitRequest

from ..driver import Driver
from ..text import shown
from ..wording import field_label, kind_label, measure_label, words
from .compose import row
from .recipients import RecipientsScreen, recipient_label


def _number(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _shown_number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class RequestFormScreen(Screen[bool]):
    """Returns True when the request was submitted, False otherwise."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save draft", priority=True),
        Binding("ctrl+t", "submit", "Submit", priority=True),
        Binding("ctrl+o", "pick_recipients", "Recipients", priority=True),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, driver: Driver, form: DraftRequest, hints: bool = True) -> None:
        super().__init__()
        self.driver = driver
        self.form = form
        self.hints = hints
        mine = {r.request: r for r in driver.requests()}
        self.existing = mine.get(form.request)
        self.fixed_kind = self.existing is not None or form.subject is not None  # a draft's or a foreseen one's
        self.values: dict[str, str] = dict(form.form)  # kept across a change of kind
        self.to: tuple[str, ...] = form.to
        self.names = {r.code: r.name for r in driver.recipients()}
        self._saved: DraftRequest | None = None
        self._closing = False
        self._shown_kind = form.notice_kind

    # --- building -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        f, choices = self.form, self.driver.choices
        subjects = [(name, sid) for sid, name in self.driver.name.subjects.items()]
        with Vertical(id="request-form"):
            yield Label(id="form-title")
            if self.existing is not None and self.existing.asked:
                yield Static(f"[b]The NDTF asks:[/b] {shown(self.driver.name(self.existing.asked))}",
                             id="form-asked")
            with VerticalScroll(id="form-body"):
                yield row("Reference", Input(f.request, compact=True, id="form-reference",
                                             disabled=self.existing is not None),
                          Label("Kind", classes="field-label"),
                          Select([(kind_label(k), k) for k in choices.kinds], value=f.notice_kind,
                                 allow_blank=False, compact=True, id="form-kind", disabled=self.fixed_kind))
                yield row("Subject", Select(subjects, value=f.subject if f.subject in self.driver.name.subjects
                                            else Select.NULL, prompt="choose the person", compact=True,
                                            id="form-subject"))
                yield row("Purpose", Select([], prompt="choose", compact=True, id="form-purpose"))
                yield row("Offence", Select([(words(o), o) for o in choices.offences],
                                            value=f.offence if f.offence in choices.offences else Select.NULL,
                                            prompt="choose the offence", compact=True, id="form-offence"))
                yield row("Max penalty", Input(_shown_number(f.max_penalty_years), placeholder="years",
                                               type="number", compact=True, id="form-penalty"),
                          Label("Sentence left", classes="field-label"),
                          Input(_shown_number(f.sentence_months), placeholder="months (to serve a sentence)",
                                type="number", compact=True, id="form-sentence"))
                yield row("Recipients", Static(id="form-to"), id="form-to-row")
                # All of them, the judicial ones too: knowing a Silver Notice cannot ask to freeze
                # is the lesson, so the form lets a person tick it and its checks say why not.
                yield row("Measures", Grid(*(Checkbox(measure_label(m), m in f.measures, compact=True, id=f"measure-{m}",
                                                      tooltip=words(m))
                                             for m in choices.measures), id="form-measures"),
                          id="form-measures-row")
                yield Vertical(id="form-fields")
            yield Static(id="form-checks")
            yield Static(id="form-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#form-body").border_title = "The form"
        self._kind_changed(self.form.notice_kind, purpose=self.form.purpose)
        if self.existing is not None:
            self._saved = self.command()
        first = "#form-reference" if self.existing is None and self.form.subject is None else (
            "#form-subject" if self.form.subject is None else "#form-penalty")
        self.query_one(first).focus()

    @property
    def kind(self) -> str:
        value = self.query_one("#form-kind", Select).value
        return value if isinstance(value, str) else self.form.notice_kind

    def _kind_changed(self, kind: str, purpose: str | None = None) -> None:
        choices = self.driver.choices
        self._shown_kind = kind
        purposes = choices.purposes.get(kind, ())
        select = self.query_one("#form-purpose", Select)
        select.set_options([(words(p), p) for p in purposes])
        if purpose in purposes:
            select.value = purpose
        select.disabled = not purposes
        self.query_one("#form-to-row").display = kind == "diffusion"
        self.query_one("#form-measures-row").display = kind == "silver"
        box = self.query_one("#form-fields", Vertical)
        box.remove_children()
        box.mount_all([row(sentence_start(field_label(name)),
                           Input(self.values.get(name, ""), compact=True, id=f"field-{name}",
                                 placeholder=field_label(name)))
                       for name in choices.fields.get(kind, ())])
        self._show_to()
        self._title()
        self.call_after_refresh(self._recheck)

    def _title(self) -> None:
        state = f" · {words(self.existing.state)}" if self.existing is not None else " · new"
        self.query_one("#form-title", Label).update(
            f"[b]{shown(kind_label(self.kind))} request[/b] {shown(self.form.request)}{state} · "
            "ctrl+s save draft · ctrl+t submit")

    def _show_to(self) -> None:
        names = ", ".join(shown(recipient_label(t, self.names)) for t in self.to)
        self.query_one("#form-to", Static).update((names or "[i]nobody yet[/i]") + " [dim](ctrl+o: choose)[/dim]")

    # --- reading the form ----------------------------------------------------------------------
    def command(self) -> DraftRequest:
        def chosen(selector: str) -> str | None:
            value = self.query_one(selector, Select).value
            return value if isinstance(value, str) else None

        kind = self.kind
        for widget in self.query("#form-fields Input").results(Input):
            self.values[(widget.id or "").removeprefix("field-")] = widget.value
        fields = tuple((name, self.values.get(name, "").strip()) for name in self.driver.choices.fields.get(kind, ()))
        return DraftRequest(self.query_one("#form-reference", Input).value.strip(), kind, chosen("#form-subject"),
                            chosen("#form-purpose"), chosen("#form-offence"),
                            _number(self.query_one("#form-penalty", Input).value),
                            _number(self.query_one("#form-sentence", Input).value),
                            self.to if kind == "diffusion" else (), fields, self._measures() if kind == "silver" else ())

    def _measures(self) -> tuple[str, ...]:
        return tuple(m for m in self.driver.choices.measures if self.query_one(f"#measure-{m}", Checkbox).value)

    def _recheck(self) -> None:
        checks = self.query_one("#form-checks", Static)
        if not self.hints:
            checks.update("[dim]The review rules' hints are off in this exercise.[/dim]")
            return
        found = self.driver.check_form(self.command())
        checks.update("\n".join(f"⚠ {shown(self.driver.name(c))}" for c in found)
                      or "✓ The form meets the review rules' checks.")
        checks.set_class(bool(found), "-problems")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _edited(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        if event.control.id == "form-kind" and isinstance(event.value, str) and event.value != self._shown_kind:
            self.command()  # keep what was typed in the old kind's fields
            self._kind_changed(event.value)
            return
        self._closing = False
        self._recheck()

    # --- acting ----------------------------------------------------------------------------------
    def action_pick_recipients(self) -> None:
        if self.kind != "diffusion":
            self.notify("A notice goes to every member: only a diffusion has recipients.")
            return

        def picked(chosen: tuple[str, ...] | None) -> None:
            if chosen is not None:
                self.to = chosen
                self._show_to()
                self._recheck()

        self.app.push_screen(RecipientsScreen(self.driver.recipients(), self.driver.regions(), self.to,
                                              title="Circulate the diffusion to"), picked)

    def _status(self, text: str) -> None:
        self.query_one("#form-status", Static).update(text)

    def _save(self) -> bool:
        draft = self.command()
        outcome = self.driver.submit(draft)
        if isinstance(outcome, Refused):
            self._status(f"[b]Not saved:[/b] {shown(self.driver.name(outcome.reason))}")
            return False
        self._saved = draft
        self.form = draft
        self.existing = next((r for r in self.driver.requests() if r.request == draft.request), None)
        self.query_one("#form-reference", Input).disabled = True
        self.query_one("#form-kind", Select).disabled = True
        self._title()
        return True

    def action_save(self) -> None:
        if self._save():
            self._status(f"Draft {shown(self.form.request)} saved; ctrl+t submits it.")

    def action_submit(self) -> None:
        if self.command() != self._saved and not self._save():
            return
        outcome = self.driver.submit(SubmitRequest(self.form.request))
        if isinstance(outcome, Refused):
            self._status(f"[b]Not submitted:[/b] {shown(self.driver.name(outcome.reason))}")
            return
        if self.form.notice_kind == "diffusion":
            whom = ", ".join(recipient_label(t, self.names) for t in self.form.to)
            self.notify(f"Diffusion {self.form.request} circulated to {whom}.")
        else:
            self.notify(f"{kind_label(self.form.notice_kind)} request {self.form.request} sent to the "
                        "General Secretariat.")
        self.dismiss(True)

    def action_close(self) -> None:
        if self.command() != self._saved and not self._closing:
            self._closing = True
            self._status("Unsaved changes: escape again closes without saving; ctrl+s saves the draft.")
            return
        self.dismiss(False)
