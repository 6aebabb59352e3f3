"""``ncbsim schema``: the JSON Schema of the scenario language, for editors and tools."""

from __future__ import annotations

from ..text import json_for_terminal


def scenario_schema() -> dict:
    from ..durations import DURATION_HELP, DURATION_PATTERN
    from ..events.registry import check_schemas
    from ..scenario.model import Scenario
    from ..scenario.parameters import PARAMETERS

    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ncbsim scenario"
    params = schema["properties"]["parameters"]
    # The model accepts a bare duration for a fixed value (`desk.handling_time: 20m`); say so,
    # and name the known parameters so editors complete them.
    params["additionalProperties"]["oneOf"].insert(
        0, {"type": "string", "pattern": DURATION_PATTERN, "description": "fixed value: " + DURATION_HELP})
    params["propertyNames"] = {"enum": sorted(PARAMETERS)}
    params["description"] += ": " + "; ".join(f"{p.name} ({p.help})" for p in PARAMETERS.values())
    # Each event kind's match takes that kind's fields, with their values, so an editor completes them.
    schema["$defs"]["EventCheck"]["allOf"] = check_schemas()
    return schema


def register(sub) -> None:
    p = sub.add_parser("schema", help="print a JSON Schema on stdout",
                       description="Print the JSON Schema of a file kind (for yaml-language-server and other editors).")
    p.add_argument("kind", choices=["scenario", "experiment", "script"],
                   help="which file kind (script: a scripted policy, --policy scripted:FILE.yaml)")
    p.set_defaults(handler=schema_command)


def experiment_schema() -> dict:
    from ..batch.experiment import Experiment

    schema = Experiment.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ncbsim experiment"
    return schema


def script_schema() -> dict:
    """A scripted policy's schema; each command's own schema comes from the command codec."""
    from ..decisions.script import Script
    from ..play.commands import command_schema

    schema = Script.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ncbsim scripted policy"
    command = schema["$defs"]["ScriptedCommand"]["properties"]["command"]
    schema["$defs"]["ScriptedCommand"]["properties"]["command"] = {"description": command["description"],
                                                                   **command_schema()}
    return schema


def schema_command(args) -> int:
    schema = {"scenario": scenario_schema, "experiment": experiment_schema, "script": script_schema}[args.kind]()
    print(json_for_terminal(schema, indent=2))
    return 0
