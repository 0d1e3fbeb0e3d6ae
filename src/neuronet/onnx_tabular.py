"""ONNX graphs for trained tabular models: the preprocessing, the network, then the task's outputs.

Used by :func:`neuronet.onnx_export.build_onnx` for a ``neuronet.model.Model`` (see that module for
the inputs and outputs of the graph). Nothing here imports ``onnx``: the nodes are added through the
exporter's graph object.

The graph follows ``Model.predict`` step by step, in the same dtypes: the raw numbers come in as
float64 (neuronet parses a file's numbers as float64, whatever the model's dtype), are standardized
in float64 (``TabularPreprocessor.transform``) and only then cast to the network's dtype
(``Model.transform``); a regressor's output is cast back to float64 before the target scaling is
undone (``Model.predict``). Standardizing in float32 would lose the digits that matter in columns
with a large offset and a small spread (latitudes, timestamps).
"""
from __future__ import annotations

import json

import numpy as np

from .onnx_export import add_labels, check_exportable, label_tensor, network_body

__all__ = ["model_graph", "TASK_HEADS", "RAW_DTYPE"]

#: The dtype of a model graph's raw numeric input ``X`` (and of a regressor's ``prediction``),
#: whatever the network's dtype: neuronet reads numbers as float64.
RAW_DTYPE = np.dtype(np.float64)

#: The graph's own tensor names, by task: a categorical input (named after its column) must not
#: take one of them. Internal tensors are named ``_nn_...``.
_OUTPUTS = {"binary": ("label", "probabilities"), "multiclass": ("label", "probabilities"),
            "regression": ("prediction",)}


def _categories_of(preprocessor):
    """``[(column, categories), ...]`` in the order of the one-hot blocks."""
    columns = list(getattr(preprocessor, "categorical_columns_", None) or [])
    categories = getattr(preprocessor, "categories_", None) or []
    if isinstance(categories, dict):
        categories = [categories[column] for column in columns]
    return list(zip(columns, categories))


def _raw_elem_type(graph):
    return graph.helper.np_dtype_to_tensor_dtype(RAW_DTYPE)


def _cast(graph, tensor, from_dtype, to_dtype, stem):
    """``tensor`` cast from ``from_dtype`` to ``to_dtype`` (no node when they are the same)."""
    if np.dtype(from_dtype) == np.dtype(to_dtype):
        return tensor
    to = graph.helper.np_dtype_to_tensor_dtype(np.dtype(to_dtype))
    return graph.node("Cast", [tensor], stem=stem, to=to)


def _numeric_features(graph, preprocessor):
    """Input ``X`` (raw, float64), standardized in float64, then cast to the network's dtype."""
    n = len(preprocessor.numeric_columns_)
    X = graph.add_input("X", _raw_elem_type(graph), ["N", n])
    mean = graph.const("mean", preprocessor.mean_, RAW_DTYPE)
    scale = graph.const("scale", preprocessor.scale_, RAW_DTYPE)
    centred = graph.node("Sub", [X, mean], stem="centred")
    standardized = graph.node("Div", [centred, scale], stem="standardized")
    return _cast(graph, standardized, RAW_DTYPE, graph.dtype, "standardized_as_network_dtype")


def _check_input_name(column, taken):
    """Refuse a categorical column whose name this graph uses for one of its own tensors."""
    if column in taken or column.startswith("_nn_"):
        raise ValueError(f"categorical column {column!r} cannot be exported to ONNX: the graph "
                         f"uses that name itself ({', '.join(sorted(taken))}, and _nn_...); "
                         "rename the column and train again")


def _one_hot(graph, column, categories, index, taken):
    """String input ``column`` (N, 1), compared exactly with each category: (N, n_categories)."""
    _check_input_name(column, taken)
    S = graph.add_input(column, graph.onnx.TensorProto.STRING, ["N", 1])
    table = graph.const(f"categories_{index}", np.asarray(categories, dtype=object))
    hit = graph.node("Equal", [S, table], stem=f"is_{index}")
    return graph.node("Cast", [hit], stem=f"onehot_{index}", to=graph.elem_type)


def _preprocessing(graph, preprocessor, outputs):
    """Inputs and the graph that turns raw columns into the network's input; returns that tensor."""
    parts = []
    taken = set(outputs)
    if preprocessor.numeric_columns_:
        parts.append(_numeric_features(graph, preprocessor))
        taken.add("X")
    for column, categories in _categories_of(preprocessor):
        parts.append(_one_hot(graph, str(column), categories, len(parts), taken))
    if not parts:
        raise ValueError("the model's preprocessor has no input columns to export")
    return parts[0] if len(parts) == 1 else graph.node("Concat", parts, stem="features", axis=1)


def class_labels(model):
    """The labels a classifier's graph returns, in ``classes_`` order.

    As ``neuronet predict`` shows them: spelled as the training file wrote them (strings ``"007"``,
    ``"1.0"``) when any spelling differs from the parsed label's own text, else the parsed labels
    themselves (int64 for whole numbers, float64, or strings).
    """
    classes = np.asarray(model.classes_)
    written = model.labels_as_written() if hasattr(model, "labels_as_written") else None
    if written is not None and list(written) != [str(c) for c in classes.tolist()]:
        return np.array([str(w) for w in written], dtype=object)
    return classes


def _classifier_head(graph, model, out):
    network = model.network
    if network.output_activation != "softmax":
        raise ValueError(f"a {model.task} model can be exported with a softmax output layer only; "
                         f"this one ends in {network.layers[-1]!r}")
    graph.add_output(out, "probabilities", graph.elem_type, ["N", network.n_outputs])
    add_labels(graph, "probabilities", class_labels(model))
    return ("'label' (N,) the predicted class, as neuronet predict writes it; 'probabilities' "
            f"(N, n_classes) {network.dtype.name}, in the order of neuronet.classes")


def _regression_head(graph, model, out):
    """Undo the target scaling in float64, as ``Model.predict`` does."""
    n = model.network.n_outputs
    raw = _cast(graph, out, graph.dtype, RAW_DTYPE, "output_as_float64")
    target_scale = graph.const("target_scale", np.atleast_1d(model.target_scale_), RAW_DTYPE)
    target_mean = graph.const("target_mean", np.atleast_1d(model.target_mean_), RAW_DTYPE)
    scaled = graph.node("Mul", [raw, target_scale], stem="scaled")
    y = graph.node("Add", [scaled, target_mean], stem="unscaled")
    if n == 1:   # one target: shape (N,), as Model.predict returns
        axes = graph.const("axis_1", np.array([1]), dtype=np.int64)
        graph.add_output(graph.node("Squeeze", [y, axes], stem="prediction"), "prediction",
                         _raw_elem_type(graph), ["N"])
        return f"'prediction' (N,) {RAW_DTYPE.name} in the target's own units"
    graph.add_output(y, "prediction", _raw_elem_type(graph), ["N", n])
    return f"'prediction' (N, {n}) {RAW_DTYPE.name} in the target's own units"


TASK_HEADS = {"binary": _classifier_head, "multiclass": _classifier_head,
              "regression": _regression_head}


def _describe(model, numeric, categorical, outputs):
    """The graph's doc string: its inputs, what it does with them, and its outputs."""
    dtype = model.network.dtype
    inputs = []
    if numeric:
        cast = (f", standardized in {RAW_DTYPE.name} then cast to {dtype.name} for the network"
                if dtype != RAW_DTYPE else "")
        inputs.append(f"'X' (N, {len(numeric)}) {RAW_DTYPE.name}: the raw numeric columns "
                      f"{', '.join(numeric)}{cast}")
    inputs += [f"'{c}' (N, 1) string: compared exactly with the categories seen in training "
               "(metadata neuronet.categories; trim surrounding spaces first: anything else is "
               "encoded as all zeros)" for c in categorical]
    done = ("Standardization and one-hot encoding are" if categorical and numeric else
            "One-hot encoding is" if categorical else "Standardization is")
    return (f"neuronet {model.task} model ({dtype.name} network). Inputs: {'; '.join(inputs)}. "
            f"{done} done inside the graph. Outputs: {outputs}.")


def model_graph(graph, model):
    """Fill ``graph`` for ``model``; returns the graph's doc string and metadata (dict)."""
    network, preprocessor = model.network, model.preprocessor
    check_exportable(network)
    head = TASK_HEADS.get(model.task)
    if head is None:
        raise ValueError(f"model task {model.task!r} cannot be exported to ONNX; known tasks: "
                         f"{', '.join(sorted(TASK_HEADS))}")
    features = _preprocessing(graph, preprocessor, _OUTPUTS[model.task])
    outputs = head(graph, model, network_body(graph, network, features))
    numeric = [str(c) for c in preprocessor.numeric_columns_]
    categories = {str(c): [str(v) for v in cats] for c, cats in _categories_of(preprocessor)}
    categorical = list(categories)
    meta = {"neuronet.kind": "model", "neuronet.task": model.task,
            "neuronet.target": str(getattr(model, "target", "")),
            "neuronet.dtype": network.dtype.name,
            "neuronet.input_dtype": RAW_DTYPE.name,
            "neuronet.inputs": json.dumps((["X"] if numeric else []) + categorical),
            "neuronet.numeric_columns": json.dumps(numeric),
            "neuronet.categorical_columns": json.dumps(categorical),
            "neuronet.categories": json.dumps(categories)}
    if model.task != "regression":
        meta["neuronet.classes"] = json.dumps(label_tensor(class_labels(model)).tolist())
    return _describe(model, numeric, categorical, outputs), meta
