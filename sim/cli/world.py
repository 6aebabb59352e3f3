"""``ncbsim world``: the member countries, their NCBs, and INTERPOL's offices."""

from __future__ import annotations

from ..text import for_terminal, json_for_terminal
from ..world.members import REGIONS


def register(sub) -> None:
    p = sub.add_parser("world", help="list member countries, NCBs and offices",
                       description="List the 196 member countries with their NCBs (city, time zone, "
                                   "region, working languages, regional bureau) and INTERPOL's offices.")
    p.add_argument("--region", choices=REGIONS, help="only members of this region")
    p.add_argument("--json", action="store_true", help="JSON with 'members', 'offices' and 'sources'")
    p.set_defaults(handler=world_command)


def world_command(args) -> int:
    from dataclasses import asdict

    from ..world import all_members, all_offices, data_sources

    members = [m for m in all_members().values() if args.region in (None, m.region)]
    offices = list(all_offices().values())
    if args.json:
        doc = {"members": [dict(asdict(m), languages=list(m.languages)) for m in members],
               "offices": [asdict(o) for o in offices],
               "sources": data_sources("members.csv") + data_sources("offices.csv")}
        print(json_for_terminal(doc, indent=2))
        return 0
    print(f"{len(members)} member countries" + (f" in {args.region}" if args.region else ""))
    # As wide as the longest zone (America/Argentina/Buenos_Aires ran into the next column).
    tz = max((len(m.timezone) for m in members), default=9) + 2
    print(f"{'ISO':<4}{'country':<34}{'NCB':<20}{'time zone':<{tz}}{'lang':<9}{'bureau':<8}region")
    for m in members:
        # Data files are printed like any data: control characters shown, never obeyed.
        print(for_terminal(f"{m.iso2:<4}{m.name[:33]:<34}{m.ncb_city[:19]:<20}{m.timezone:<{tz}}"
                           f"{','.join(m.languages):<9}{m.bureau or '-':<8}{m.region}"))
    print(f"\n{len(offices)} offices")
    for o in offices:
        print(for_terminal(f"{o.id:<11}{o.kind:<24}{o.name[:44]:<45}{o.city}, {o.country}"))
    return 0
