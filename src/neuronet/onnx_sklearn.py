"""ONNX graphs for the scikit-learn estimators: ``NeuronetClassifier`` and ``NeuronetRegressor``.

Used by :func:`neuronet.onnx_export.build_onnx` for a fitted estimator. The graph computes what the
estimator's ``predict`` and ``predict_proba`` return, with the input and output names that skl2onnx
gives ``MLPClassifier`` / ``MLPRegressor`` (probabilities as a plain tensor, no ZipMap):

* input ``X`` (N, n_features_in_), in the fitted network's dtype (float64, or float32 for
  ``dtype="float32"``);
* a binary or multiclass classifier returns ``label`` (N,) then ``probabilities`` (N, n_classes);
  a multilabel one returns ``label`` (N, n_labels) int64 (0/1, ``probabilities > 0.5``) then
  ``probabilities`` (N, n_labels);
* a regressor returns ``prediction``, (N,) for one output, else (N, n_outputs).

The labels are ``classes_`` as an ONNX tensor (:func:`neuronet.onnx_export.label_tensor`): strings,
int64, float64 or bool. Nothing here imports ``onnx``, and scikit-learn is imported only when an
estimator is exported (it is loaded already then: the estimator's class comes from it).
"""
from __future__ import annotations

import json

import numpy as np

from .onnx_export import add_labels, check_exportable, gather_labels, label_tensor, network_body

__all__ = ["estimator_graph", "fitted_network", "estimator_task"]

#: The probability above which a logistic unit predicts its class (``LabelBinarizer``'s threshold).
THRESHOLD = 0.5


def fitted_network(estimator):
    """The estimator's fitted ``network_``; ``NotFittedError`` if it has not been fitted."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator, "network_")
    return estimator.network_


def estimator_task(estimator):
    """``"binary"``, ``"multiclass"``, ``"multilabel"`` or ``"regression"``, from the fitted network.

    A classifier's output layer is one logistic unit (binary), a softmax (multiclass) or one logistic
    unit per label (multilabel); a regressor's is the identity.

    Raises
    ------
    ValueError
        If the output layer does not fit the estimator (a network replaced by hand).
    """
    from sklearn.base import is_classifier

    network = estimator.network_
    activation, n_outputs = network.output_activation, network.n_outputs
    if not is_classifier(estimator):
        task = "regression" if activation == "identity" else None
    elif activation == "softmax":
        task = "multiclass"
    elif activation == "sigmoid":
        task = "binary" if n_outputs == 1 else "multilabel"
    else:
        task = None
    if task is None:
        raise ValueError(f"{type(estimator).__name__} cannot be exported to ONNX: its network_ ends "
                         f"in {network.layers[-1]!r}, which is not the output layer "
                         f"{type(estimator).__name__} builds")
    return task


# --------------------------------------------------------------------------------------------------
# Output heads: each adds the graph outputs for one task and returns their description.
def _probability_output(graph, P, n_columns, what):
    graph.add_output(P, "probabilities", graph.elem_type, ["N", n_columns])
    return f"'probabilities' (N, {n_columns}) {graph.dtype.name} as predict_proba, {what}"


def _above_threshold(graph, P):
    """``P > 0.5`` as int64 0/1, the same shape as ``P``."""
    threshold = graph.const("threshold", np.array(THRESHOLD))
    above = graph.node("Greater", [P, threshold], stem="above_threshold")
    return graph.node("Cast", [above], stem="positive", to=graph.onnx.TensorProto.INT64)


def _binary_head(graph, estimator, P):
    """One logistic unit ``p``: ``label`` = classes_[p > 0.5], ``probabilities`` = [1 - p, p]."""
    flat = graph.const("flat", np.array([-1]), dtype=np.int64)
    index = graph.node("Reshape", [_above_threshold(graph, P), flat], stem="class_index")
    label, elem = gather_labels(graph, index, estimator.classes_)
    graph.add_output(label, "label", elem, ["N"])
    one = graph.const("one", np.array(1.0))
    negative = graph.node("Sub", [one, P], stem="negative_class")
    both = graph.node("Concat", [negative, P], stem="probabilities", axis=1)
    return ("'label' (N,) as predict; "
            + _probability_output(graph, both, 2, "columns in the order of neuronet.classes"))


def _multiclass_head(graph, estimator, P):
    """Softmax ``P``: ``label`` = classes_[argmax(P)], ``probabilities`` = P."""
    doc = _probability_output(graph, P, len(estimator.classes_),
                              "columns in the order of neuronet.classes")
    add_labels(graph, P, estimator.classes_)        # becomes the first output
    return "'label' (N,) as predict; " + doc


def _multilabel_head(graph, estimator, P):
    """One logistic unit per label: ``label`` = (P > 0.5) as int64 0/1, ``probabilities`` = P."""
    n_labels = estimator.network_.n_outputs
    graph.add_output(_above_threshold(graph, P), "label", graph.onnx.TensorProto.INT64,
                     ["N", n_labels])
    return (f"'label' (N, {n_labels}) int64 0/1 indicators as predict; "
            + _probability_output(graph, P, n_labels, "one column per label"))


def _regression_head(graph, estimator, P):
    """``prediction``: (N,) for one output (as predict), else (N, n_outputs)."""
    n_outputs = estimator.network_.n_outputs
    if n_outputs == 1:
        axes = graph.const("axis_1", np.array([1]), dtype=np.int64)
        graph.add_output(graph.node("Squeeze", [P, axes], stem="prediction"), "prediction",
                         graph.elem_type, ["N"])
        return f"'prediction' (N,) {graph.dtype.name} as predict"
    graph.add_output(P, "prediction", graph.elem_type, ["N", n_outputs])
    return f"'prediction' (N, {n_outputs}) {graph.dtype.name} as predict"


TASK_HEADS = {"binary": _binary_head, "multiclass": _multiclass_head,
              "multilabel": _multilabel_head, "regression": _regression_head}


# --------------------------------------------------------------------------------------------------
def _feature_names(estimator):
    """``feature_names_in_`` as a list of str, or None when ``X`` had no column names."""
    names = getattr(estimator, "feature_names_in_", None)
    return None if names is None else [str(name) for name in names]


def _describe(estimator, task, network, names, outputs):
    columns = f": the columns {', '.join(names)} (feature_names_in_), in this order" if names else ""
    return (f"neuronet {type(estimator).__name__} ({task}, {network.dtype.name} network). Input: "
            f"'X' (N, {network.n_inputs}) {network.dtype.name}{columns}. Outputs: {outputs}.")


def _metadata(estimator, task, network, names):
    meta = {"neuronet.kind": "sklearn", "neuronet.estimator": type(estimator).__name__,
            "neuronet.task": task, "neuronet.inputs": json.dumps(["X"]),
            "neuronet.dtype": network.dtype.name, "neuronet.input_dtype": network.dtype.name}
    if task != "regression":
        meta["neuronet.classes"] = json.dumps(label_tensor(estimator.classes_).tolist())
    if names is not None:
        meta["neuronet.feature_names"] = json.dumps(names)
    return meta


def estimator_graph(graph, estimator):
    """Fill ``graph`` for a fitted estimator; returns the graph's doc string and metadata (dict).

    Parameters
    ----------
    graph : neuronet.onnx_export._Graph
        An empty graph in the dtype of ``estimator.network_``.
    estimator : NeuronetClassifier or NeuronetRegressor
        Fitted.

    Returns
    -------
    doc : str
    meta : dict of str to str
    """
    network = fitted_network(estimator)
    task = estimator_task(estimator)
    check_exportable(network)
    X = graph.add_input("X", graph.elem_type, ["N", network.n_inputs])
    outputs = TASK_HEADS[task](graph, estimator, network_body(graph, network, X))
    names = _feature_names(estimator)
    doc = _describe(estimator, task, network, names, outputs)
    return doc, _metadata(estimator, task, network, names)
