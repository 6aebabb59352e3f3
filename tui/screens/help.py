"""The help screen: keys and what the parts of the operations screen are."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# ncbsim — help

You sit at one desk of INTERPOL's network. Messages reach your **inbox** over I-24/7 when they
have travelled; **decisions** wait for you with a deadline in sim time — if it passes, the
default applies. The **event log** shows only what your seat has learnt; the **map** lights
the NCBs you have traffic with. You act at any time, not only when asked: write messages,
request notices, circulate diffusions, ask for arrests and extraditions, follow your cases on
the **case board**. When one of
your cases moves (the NDTF asks for more, publishes, refuses; a hit; an arrest) a notification
tells you. The clock holds still while a message, a form or a decision is open.

## Operations screen

| key | what it does |
|---|---|
| `space` | start / pause the clock (at max speed with a decision waiting it asks once) |
| `+` / `-` | faster / slower (real time … as fast as the machine goes) |
| `n` | jump to the next thing you will see (a message, a line in what you know, a change on your board, a decision) |
| `d` | open the first waiting decision (or select one and press `enter`) |
| `enter` | open the selected message (you have read it: its ● goes) or decision |
| `m` | write an I-24/7 message |
| `r` | request a notice or a diffusion: a new form |
| `p` | ask another NCB to arrest a person provisionally |
| `s` | ask another NCB to stop a fraudulent payment (I-GRIP) |
| `b` | the case board: your requests and arrest cases, their state and history |
| `c` | the case file: the people you know of, and what you know about each |
| `tab` | move between panels |
| `ctrl+p` | command palette |
| `?` | this help |
| `q` | quit — the session is saved; `ncbsim play --session FILE` resumes it |

## The clock

The status line at the top says where the clock is: UTC, your NCB's local time, and `▶` the
speed while it runs, or `⏸ paused` — with why, when the clock stopped by itself (a decision
waits for you: `d`; something new reached you; nothing more reaches you before the end) — and
the speed it will run at. Days are counted on your NCB's wall calendar: day 1 is the date the
exercise starts in your time zone. When a decision appears the clock stops once; `space` lets it
run on while the decision waits, and at its deadline the default applies (at max speed the clock
asks you once before it runs past deadlines). `n` never runs past the end without a word: when
nothing more will reach you it stops just before the end and says so; `n` or `space` again
runs to the end.

## What the marks mean

Inbox: `●` unread · `!!` urgent · `!` high priority; each message shows when it arrived (UTC)
and who sent it, then what it says. Map: `@` your NCB · `•` an NCB you have exchanged messages
with · `·` any other NCB.

## An opened message

`r` reply (to the sender; a reply to a request for information or a reminder answers it) ·
`f` forward it, quoted, to partners you choose · `e` open the request the NDTF asks about ·
`escape` close. A long message scrolls (`↑`/`↓`, `page up`/`page down`, `home`/`end`).

## Writing a message

`ctrl+o` choose the recipients · `ctrl+s` send · `escape` put it away. `tab` moves between
the fields; if the message cannot go, the reason is shown at the bottom and nothing is sent.

## A request form

The review rules the form breaks are shown under it as you type. `ctrl+s` save the draft ·
`ctrl+t` submit it (a diffusion circulates at once) · `ctrl+o` a diffusion's recipients ·
`escape` close (twice when there are unsaved changes). On a decision to file a request, `f`
opens its form, prefilled, to write it yourself. When the NDTF sends a request back, open it
from the case board (`e`) or from the NDTF's message (`e`), complete it and submit it again.

## Recipients picker

Type to search by a country's name or code, or a region; `enter` moves to the list; `space`
or `enter` picks or unpicks (several at once; a whole region; all members); `ctrl+s` done ·
`escape` cancel.

## Request for provisional arrest

Choose the person (by name) and, with `ctrl+o`, the country to ask; the arrest rests on one of
your live notices or diffusions on that person, or on your national warrant when you have
none; write what the other desk needs to know. `ctrl+s` send · `escape` put it away. The other
NCB acts once it has read it: the arrest appears on your case board, or word comes that the
person could not be found.

## Stop-payment request (I-GRIP)

Choose a transfer reported to your NCB and, with `ctrl+o`, the NCB of the country that holds the
receiving account (the report names the bank and the account); write what the other desk needs.
`ctrl+s` send · `escape` put it away. It goes as an urgent I-24/7 message: the other NCB passes it
to the bank once it has read it, and the bank freezes the account if the money is still there.
An NCB whose country does not hold the account answers that it found nothing.

## Case board

`↑`/`↓` select a case (its history shows below); the footer shows the keys for that case.
A request: `e` or `enter` correct and resubmit a draft or a request sent back · `w` withdraw a
published notice or a live diffusion. An arrest on your request: `x` send the formal extradition
request — tick its documents (those the requested state's courts need are ticked and marked;
a translation only when the two states share no working language) and `ctrl+s`; it must have
arrived by the deadline shown · `a` abandon the extradition (`y` to confirm: the person is
released once the other NCB has read it) · `t` when the state refused to surrender its own
national, ask it to prosecute the person (or to enforce the sentence) instead. Any case: `p` ask
an NCB to arrest its person · `space` start / pause the clock · `escape` back. When the host
will not take a step, it says why and nothing is sent.

When the exercise ends you get the debrief: objectives, the timeline, and where the full
after-action report was written.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)


WATCH_HELP = """\
# ncbsim — watching the exercise

Nobody plays a desk here: you watch from the trainer's seat. The **inbox** is the General
Secretariat's: what the NCBs send it over I-24/7 (their answers to the NDTF, hit reports…) as it
arrives; the **event log** shows what happens everywhere — requests, verdicts, hits, arrests —
with each NCB's local time; **decisions** list those a seat must take, and the **map** lights
the NCBs in touch with the General Secretariat. Writing, requesting and arresting are a desk's
work, not done from here; a seat's decision can be answered for it (`d`), as from the trainer's
console. To steer an exercise (injects, holds, ratings), open
it with `ncbsim trainer`.

| key | what it does |
|---|---|
| `space` | start / pause the clock |
| `+` / `-` | faster / slower (real time … as fast as the machine goes) |
| `n` | jump to the next thing that happens |
| `d` | open the first waiting decision of a seat (or select one and press `enter`): what you choose, you choose for that seat, as the trainer |
| `enter` | open the selected message or decision |
| `b` | the case board: the arrest cases so far, their state and history |
| `c` | the case file: the people in the exercise, and what is known about each |
| `tab` | move between panels |
| `ctrl+p` | command palette |
| `?` | this help |
| `q` | quit — the session is saved; `ncbsim play --session FILE` resumes it |

Inbox: `!!` urgent · `!` high priority. Map: `•` an NCB in touch · `·` any other NCB.
"""


class WatchHelpScreen(HelpScreen):
    """Help for the trainer's seat on the desk's screen: what is watched, and no desk's keys."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(WATCH_HELP)


TRAINER_HELP = """\
# ncbsim — the trainer's console

You see the whole exercise: every seat's decisions and the ground truth. The clock stops, with
an alert, when a seat a person plays must decide (unless the session runs with `--automate`):
answer for the seat, or let the clock run on to the deadline, where the default applies. The
clock holds still while a dialog is open.

## Panels

| panel | what it shows |
|---|---|
| clock bar | the exercise's time (UTC), the speed or ⏸ paused, and ■ exercise over at the end |
| MSEL | every inject, the ad-hoc ones too: when it is due, its status (pending, held, fired, skipped and why, rescheduled), from whom to whom, the action it expects by when, and its text; the line under the table shows the selected inject in full, with its conditions |
| Ground truth | what actually happens, everywhere, as it happens (no seat sees all of it) |
| Decisions, every seat | each seat's open decisions and the time left to answer |
| Objectives | each objective's status from the journal, and the last HSEEP rating given |

## Keys

| key | what it does |
|---|---|
| `space` | start / pause the clock |
| `+` / `-` | faster / slower (real time … as fast as the machine goes) |
| `f` | fire the selected inject now |
| `h` | hold the selected inject back, or release it (a held inject that fell due is judged then: it fires, or is skipped if its `when:`/`unless:` say so) |
| `t` | reschedule the selected inject: `in 2h` from now, or `at 1d 06:00` after the start |
| `a` | an ad-hoc inject as any sender (an NCB, `GS`, a national body), `now`, `in 2h` or `at 1d 06:00`; a mistake is shown under its field and what you typed stays |
| `enter` | on a decision: answer it as that seat |
| `r` | on an objective: an evaluator's note and HSEEP rating (P, S, M, U) |
| `e` | validate an expected action by hand: an inject's expected action (once fired) or an objective — met, partly met or not met, with a note; the report shows it beside the journal's verdict |
| `v` | a seat's view: exactly what one seat sees (its inbox, its decisions, what it knows), read-only |
| `R` | write the after-action report (HTML) beside the session and show where |
| `tab` | move between panels |
| `ctrl+p` | command palette: every trainer command by name |
| `?` | this help |
| `q` | quit — the session is saved; `ncbsim trainer SESSION` resumes it |

## HSEEP ratings

P performed without challenges · S performed with some challenges · M performed with major
challenges · U unable to be performed.

When the exercise ends, the clock bar says ■ exercise over and a panel offers the report (`R`).
"""


class TrainerHelpScreen(HelpScreen):
    """The trainer's own help: the console's keys and panels, not the trainee's desk."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(TRAINER_HELP)
