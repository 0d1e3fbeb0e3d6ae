"""``neuronet export MODEL OUT.onnx``: a trained model, with its preprocessing and labels, as an ONNX file."""
from __future__ import annotations

import sys

from . import UsageError
from ._common import check_output_path, command_parser, load_model, print_json


def add_parser(subparsers):
    p = command_parser(
        subparsers, "export", run,
        summary="write a trained model as an ONNX file (needs neuronet[onnx])",
        description="Write MODEL (a file made by 'neuronet train') as an ONNX file that onnxruntime "
                    "runs on raw rows: input 'X' holds the numeric columns, in the order this "
                    "command prints (plus one string input per categorical column, if any); "
                    "standardization and the labels are part of the graph. Classifiers give "
                    "'label' and 'probabilities', regressors 'prediction'.",
        model="the model file to export")
    p.add_argument("out", metavar="OUT.onnx", help="where to write the ONNX file")


def run(args, stdout=None):
    out = stdout or sys.stdout
    from ..network import Network
    from ..onnx_export import IR_VERSION, OPSET, to_onnx
    from ..onnx_tabular import RAW_DTYPE     # a model's raw numbers: float64, whatever its network

    check_output_path(args.out, "OUT.onnx", (("model file", args.model),))
    model = load_model(args.model)
    try:
        to_onnx(model, args.out)
    except ValueError as err:
        raise UsageError(f"{args.model}: {err}") from None

    network = model if isinstance(model, Network) else model.network
    result = {"command": "export", "model": args.model, "onnx": args.out, "opset": OPSET,
              "ir_version": IR_VERSION,
              "dtype": network.dtype.name}
    if isinstance(model, Network):
        result["input_dtype"] = network.dtype.name
        inputs = [("X", f"(N, {network.n_inputs}) {network.dtype.name}", "the network's inputs")]
        outputs = (["label"] if network.classes_ is not None
                   and network.output_activation == "softmax" else []) + ["output"]
        result.update(task=None, numeric_columns=None, categorical_columns=[])
    else:
        numeric = [str(c) for c in model.preprocessor.numeric_columns_]
        categorical = [str(c) for c in model.preprocessor.categorical_columns_]
        result["input_dtype"] = RAW_DTYPE.name
        inputs = ([("X", f"(N, {len(numeric)}) {RAW_DTYPE.name}",
                    "raw numeric columns " + ", ".join(numeric))] if numeric else [])
        inputs += [(c, "(N, 1) string", "categories as in the training data") for c in categorical]
        outputs = ["prediction"] if model.task == "regression" else ["label", "probabilities"]
        result.update(task=model.task, numeric_columns=numeric, categorical_columns=categorical)
    result["outputs"] = outputs
    if args.json:
        print_json(result, out)
        return 0
    print(f"wrote {args.out} (ONNX opset {OPSET}, IR version {IR_VERSION}, "
          f"{network.dtype.name} network)",
          file=out)
    for name, shape, meaning in inputs:
        print(f"input {name!r} {shape}: {meaning}", file=out)
    print(f"outputs: {', '.join(outputs)}", file=out)
    return 0
