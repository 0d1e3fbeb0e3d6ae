"""ONNX graphs for trained tabular models: the preprocessing, the network, then the task's outputs.

Used by :func:`neuronet.onnx_export.build_onnx` for a ``neuronet.model.Model`` (see that module for
the inputs and outputs of the graph). Nothing here imports ``onnx``: the nodes are added through the
exporter's graph object.
"""
from __future__ import annotations

import json

import numpy as np

from .onnx_export import add_labels, check_exportable, label_tensor, network_body

__all__ = ["model_graph", "TASK_HEADS"]

_RESERVED = {"X", "label", "probabilities", "prediction", "output"}


def _categories_of(preprocessor):
    """``[(column, categories), ...]`` in the order of the one-hot blocks."""
    columns = list(getattr(preprocessor, "categorical_columns_", None) or [])
    categories = getattr(preprocessor, "categories_", None) or []
    if isinstance(categories, dict):
        categories = [categories[column] for column in columns]
    return list(zip(columns, categories))


def _preprocessing(graph, preprocessor):
    """Inputs and the graph that turns raw columns into the network's input; returns that tensor."""
    numeric = [str(c) for c in preprocessor.numeric_columns_]
    parts = []
    if numeric:
        X = graph.add_input("X", graph.elem_type, ["N", len(numeric)])
        centred = graph.node("Sub", [X, graph.const("mean", preprocessor.mean_)], stem="centred")
        parts.append(graph.node("Div", [centred, graph.const("scale", preprocessor.scale_)],
                                stem="standardized"))
    for column, categories in _categories_of(preprocessor):
        name = str(column)
        if name in _RESERVED or name.startswith("_nn_"):
            raise ValueError(f"categorical column {name!r} cannot be exported to ONNX: its name is "
                             f"reserved for the graph's own tensors ({', '.join(sorted(_RESERVED))}); "
                             "rename the column and train again")
        S = graph.add_input(name, graph.onnx.TensorProto.STRING, ["N", 1])
        table = graph.const(f"categories_{len(parts)}", np.asarray(categories, dtype=object))
        hit = graph.node("Equal", [S, table], stem=f"is_{len(parts)}")
        parts.append(graph.node("Cast", [hit], stem=f"onehot_{len(parts)}", to=graph.elem_type))
    if not parts:
        raise ValueError("the model's preprocessor has no input columns to export")
    return parts[0] if len(parts) == 1 else graph.node("Concat", parts, stem="features", axis=1)


def _classifier_head(graph, model, out):
    network = model.network
    if network.output_activation != "softmax":
        raise ValueError(f"a {model.task} model can be exported with a softmax output layer only; "
                         f"this one ends in {network.layers[-1]!r}")
    graph.add_output(out, "probabilities", graph.elem_type, ["N", network.n_outputs])
    add_labels(graph, "probabilities", model.classes_)
    return "'label' (N,) the predicted class, 'probabilities' (N, n_classes) in the order of classes"


def _regression_head(graph, model, out):
    n = model.network.n_outputs
    scaled = graph.node("Mul", [out, graph.const("target_scale", np.atleast_1d(model.target_scale_))],
                        stem="scaled")
    y = graph.node("Add", [scaled, graph.const("target_mean", np.atleast_1d(model.target_mean_))],
                   stem="unscaled")
    if n == 1:   # one target: shape (N,), as Model.predict returns
        axes = graph.const("axis_1", np.array([1]), dtype=np.int64)
        graph.add_output(graph.node("Squeeze", [y, axes], stem="prediction"), "prediction",
                         graph.elem_type, ["N"])
        return "'prediction' (N,) in the target's own units"
    graph.add_output(y, "prediction", graph.elem_type, ["N", n])
    return f"'prediction' (N, {n}) in the target's own units"


TASK_HEADS = {"binary": _classifier_head, "multiclass": _classifier_head,
              "regression": _regression_head}


def model_graph(graph, model):
    """Fill ``graph`` for ``model``; returns the graph's doc string and metadata (dict)."""
    network, preprocessor = model.network, model.preprocessor
    check_exportable(network)
    head = TASK_HEADS.get(model.task)
    if head is None:
        raise ValueError(f"model task {model.task!r} cannot be exported to ONNX; known tasks: "
                         f"{', '.join(sorted(TASK_HEADS))}")
    features = _preprocessing(graph, preprocessor)
    outputs = head(graph, model, network_body(graph, network, features))
    numeric = [str(c) for c in preprocessor.numeric_columns_]
    categorical = [str(c) for c, _ in _categories_of(preprocessor)]
    inputs = ([f"'X' (N, {len(numeric)}) {network.dtype.name}: the raw numeric columns "
               f"{', '.join(numeric)}"] if numeric else [])
    inputs += [f"'{c}' (N, 1) string" for c in categorical]
    done = ("Standardization and one-hot encoding are" if categorical and numeric else
            "One-hot encoding is" if categorical else "Standardization is")
    doc = (f"neuronet {model.task} model. Inputs: {'; '.join(inputs)}. {done} done inside the "
           f"graph. Outputs: {outputs}.")
    meta = {"neuronet.kind": "model", "neuronet.task": model.task,
            "neuronet.target": str(getattr(model, "target", "")),
            "neuronet.dtype": network.dtype.name,
            "neuronet.inputs": json.dumps((["X"] if numeric else []) + categorical),
            "neuronet.numeric_columns": json.dumps(numeric),
            "neuronet.categorical_columns": json.dumps(categorical)}
    if model.task != "regression":
        meta["neuronet.classes"] = json.dumps(label_tensor(model.classes_).tolist())
    return doc, meta
