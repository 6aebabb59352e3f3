"""The recipients picker: whom a message or a diffusion goes to.

Search by a country's name or code, or a region's name; pick several (space or enter), a whole
region, all members, the General Secretariat. What was picked stays picked while the list is
filtered. Returns the recipients as the host reads them (``ES``, ``region:Europe``, ``all``,
``GS``), or None when cancelled. With ``single``, it picks one country (whom to ask for an
arrest): the first pick is the answer.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from sim.play.views import Recipient

from ..text import shown


def recipient_label(token: str, names: dict[str, str]) -> str:
    """A recipient token as people say it."""
    if token == "all":
        return "all members"
    if token.startswith("region:"):
        return f"region {token.partition(':')[2]}"
    return names.get(token, token)


class RecipientsScreen(ModalScreen[tuple[str, ...] | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "done", "Done", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, recipients: tuple[Recipient, ...], regions: tuple[str, ...], chosen: tuple[str, ...] = (),
                 title: str = "Recipients", single: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.single = single  # one country only (whom to ask for an arrest): no "all", no regions
        self.entries: list[tuple[str, str, str]] = [] if single else [("all", "All members", "all members everyone")]
        self.entries += [(f"region:{r}", f"Region: {r}", f"region {r}") for r in regions if not single]
        self.entries += [(r.code, f"{r.code} — {r.name}" + (f" ({r.region})" if r.region else ""),
                          f"{r.code} {r.name} {r.region}") for r in recipients]
        self.names = {r.code: r.name for r in recipients}
        self.chosen: list[str] = list(chosen)

    def compose(self) -> ComposeResult:
        with Vertical(id="recipients"):
            search = "name or code" if self.single else "name, code or region"
            yield Label(f"[b]{shown(self.title_text)}[/b] · type to search by {search}", id="recipients-title")
            yield Input(placeholder="search: Spain, ES, Europe…", id="recipient-search")
            yield SelectionList[str](id="recipient-list")
            yield Static(id="recipient-chosen")
            yield Label("enter: from the search to the list · space: choose" if self.single else
                        "enter: from the search to the list · space: pick or unpick", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#recipient-search", Input).focus()

    def _fill(self, query: str) -> None:
        q = query.strip().lower()
        shown_entries = [(token, label) for token, label, haystack in self.entries
                         if not q or q in haystack.lower()]
        box = self.query_one("#recipient-list", SelectionList)
        box.clear_options()
        box.add_options([Selection(shown(label), token, token in self.chosen) for token, label in shown_entries])
        if shown_entries:
            box.highlighted = 0  # space picks the best match at once
        self._show_chosen()

    def _show_chosen(self) -> None:
        names = ", ".join(shown(recipient_label(t, self.names)) for t in self.chosen)
        none = "(none yet)" if self.single else "(nobody yet)"
        self.query_one("#recipient-chosen", Static).update(f"[b]{'Now' if self.single else 'To'}:[/b] {names or none}")

    @on(Input.Changed, "#recipient-search")
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#recipient-search")
    def _to_list(self) -> None:
        self.query_one("#recipient-list", SelectionList).focus()

    @on(SelectionList.SelectedChanged, "#recipient-list")
    def _picked(self) -> None:
        box = self.query_one("#recipient-list", SelectionList)
        visible = [box.get_option_at_index(i).value for i in range(box.option_count)]
        selected = set(box.selected)
        before = set(self.chosen)
        # Picks hidden by the search stay; the visible ones follow the list.
        self.chosen = [t for t in self.chosen if t not in visible or t in selected]
        self.chosen += [t for t in visible if t in selected and t not in self.chosen]
        if self.single:
            picked = [t for t in visible if t in selected and t not in before]
            if picked:  # choosing the country is the whole task: done at once
                self.dismiss((picked[0],))
                return
        self._show_chosen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "done" or not self.single  # one country: choosing it is done

    def action_done(self) -> None:
        self.dismiss(tuple(self.chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)
