"""``neuronet info``: what a model file holds: layers, shapes, parameters, training settings, metrics."""
from __future__ import annotations

import math

from ..csvdata import MISSING, name_list
from ._common import class_names, command_parser, load_model, metric_text, print_json


def add_parser(subparsers):
    command_parser(
        subparsers, "info", run,
        summary="describe a saved model: layers, parameters, settings, metrics",
        description="Check MODEL completely (checksums, versions, architecture) and summarize it: "
                    "task and labels, input columns and preprocessing, layers with shapes and "
                    "parameter counts, training settings and the final metrics.",
        model="a model file")


def run(args):
    from ..io import FORMAT_VERSION
    from ..model import Model
    from ..schema_checks import readable_metadata
    obj, header = load_model(args.model, with_header=True, data_follows=False)
    net = obj.network if isinstance(obj, Model) else obj
    layers = []
    for layer in net.layers:
        entry = {"layer": repr(layer),
                 "parameters": sum(math.prod(s) for _, s in layer.parameter_shapes())}
        if hasattr(layer, "n_out"):
            entry.update(inputs=layer.n_in, outputs=layer.n_out, activation=layer.activation.name)
        layers.append(entry)
    result = {"command": "info", "model": args.model, "kind": header["kind"],
              "format_version": FORMAT_VERSION, "library_version": header["library_version"],
              "dtype": net.dtype.name, "loss": net.loss.name, "optimizer": net.optimizer.get_config(),
              "layers": layers, "parameters": net.n_parameters,
              "epochs_trained": len(net.history["loss"])}
    if isinstance(obj, Model):
        p = obj.preprocessor
        result.update(task=obj.task, target=obj.target,
                      classes=None if obj.classes_ is None else class_names(obj),
                      missing=sorted(p.missing),
                      columns=p.columns_, numeric_columns=p.numeric_columns_,
                      categorical_columns=dict(zip(p.categorical_columns_, p.categories_)),
                      training=obj.metadata.get("training"), metrics=obj.metadata.get("metrics"),
                      data=obj.metadata.get("data"))          # as the file holds them
        readable, set_aside = readable_metadata(obj.metadata)
    if args.json:
        print_json(result)
        return 0
    print(f"{args.model}: neuronet {result['kind']} file, format {result['format_version']}, "
          f"written by neuronet "
          f"{result['library_version']}")
    if isinstance(obj, Model):
        print(obj.summary())
        if result["categorical_columns"]:
            for name, cats in result["categorical_columns"].items():
                print(f"  one-hot {name!r}: {', '.join(cats)}")
        if p.missing != MISSING:
            print(f"texts read as missing (--missing): {', '.join(map(repr, result['missing']))}")
        dropped = readable.get("data", {}).get("dropped")
        if dropped:
            print(f"left out of the inputs (--drop): {name_list(dropped)}")
        training = readable.get("training", {})
        if training:
            shown = ", ".join(f"{k} {v}" for k, v in training.items())
            print(f"training: {shown}")
        for part, m in readable.get("metrics", {}).items():
            if m:
                print(f"{part} metrics: {metric_text(m)}")   # n/a for a diverged model's metrics
        if set_aside:
            print(f"other metadata (shown by --json): {name_list(set_aside)}")
    else:
        print(net.summary())
    print(f"loss {net.loss.name}; optimizer {net.optimizer!r}; dtype {net.dtype.name}; "
          f"{result['epochs_trained']} epoch{'' if result['epochs_trained'] == 1 else 's'} in its "
          "history")
    return 0
