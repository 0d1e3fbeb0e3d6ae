"""``neuronet datasets``: the data sets shipped inside the package (usable wherever a CSV file goes)."""
from __future__ import annotations

from ._common import command_parser, print_json


def add_parser(subparsers):
    command_parser(
        subparsers, "datasets", run, summary="list the built-in data sets",
        description="List the data sets shipped with neuronet. Use a name wherever a CSV file goes: "
                    "`neuronet train digits`. Attribution and licences: neuronet/datasets/README.md.")


def run(args):
    from .. import datasets
    infos = [datasets.describe(name) for name in datasets.names()]
    if args.json:
        print_json({"command": "datasets", "datasets": infos})
        return 0
    print(f"{'name':<14} {'rows':>5} {'cols':>5}  {'target':<10} description")
    for d in infos:
        print(f"{d['name']:<14} {d['rows']:>5} {d['columns']:>5}  {d['target']:<10} {d['description']}")
    print("\nUse a name wherever a CSV file goes, e.g. `neuronet train digits`. Sources and licences: "
          f"{datasets.path('iris').parent / 'README.md'}")
    return 0
