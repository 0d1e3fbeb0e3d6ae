"""ONNX export: a :class:`~neuronet.Network`, a trained model with its preprocessing, or a fitted
scikit-learn estimator (``NeuronetClassifier`` / ``NeuronetRegressor``), as an ONNX file.

The graph is built with ``onnx.helper`` and checked with ``onnx.checker`` before anything is written;
the file is written atomically. This is the only module that imports ``onnx`` (lazily, through
:func:`neuronet._extras.require`, so ``pip install neuronet[onnx]`` is named when it is missing).
The part of the graph specific to trained tabular models lives in :mod:`neuronet.onnx_tabular`.

What the graph computes
-----------------------
A **network** takes ``X`` (n_samples, n_inputs) in the network's dtype and returns ``output``
(n_samples, n_outputs), exactly what ``Network.predict`` returns: per ``Dense`` layer a ``MatMul``, an
``Add`` for the bias and the activation; ``Dropout`` is the identity at prediction time and is left
out. A softmax network that has seen labels (``classes_``) also returns ``label`` (n_samples,), as
its first output: ``label, output = session.run(None, ...)``.

A **model** (``neuronet.model.Model``: a network plus the preprocessing fitted on a CSV file) takes
the *raw* numeric features ``X`` (n_samples, n_numeric), always float64 (the numbers as read from
the file, whatever the model's dtype), in the order of the preprocessor's ``numeric_columns_``, plus
one string input (n_samples, 1) per categorical column, named after the column. Inside the graph the
numeric columns are standardized in float64, ``(X - mean) / scale``, and only then cast to the
network's dtype, as ``Model.transform`` does; the categorical ones are one-hot encoded by exact
comparison with the categories seen in training (anything else, a category never seen, one with
surrounding spaces or a missing-value marker such as ``""``, gives a row of zeros), then the network
runs. Classifiers return ``label`` (n_samples,), the labels as ``neuronet predict`` writes them
(strings spelled as in the training file when any spelling differs from the parsed label, as
``"007"``; else strings, int64, double or bool), then ``probabilities`` (n_samples, n_classes) in
the network's dtype, in that order; regressors return ``prediction`` (n_samples,) (n_samples,
n_outputs for several targets), float64, with the target standardization undone in float64 (as
``Model.predict``). The column names, the categories, the task, the dtypes and the classes are
stored in the file's ``metadata_props`` and described in its ``doc_string``.

A fitted **scikit-learn estimator** (``neuronet.sklearn.NeuronetClassifier`` or
``NeuronetRegressor``; the graph is built in :mod:`neuronet.onnx_sklearn`) gives the graph that
skl2onnx gives ``MLPClassifier`` / ``MLPRegressor`` (probabilities as a plain tensor, no ZipMap):
input ``X`` (n_samples, n_features_in_) in the network's dtype (float64, or float32 for
``dtype="float32"``). A classifier returns ``label`` (n_samples,), what ``predict`` returns (``classes_``
as strings, int64, float64 or bool), then ``probabilities`` (n_samples, n_classes), what
``predict_proba`` returns (two columns ``[1 - p, p]`` for a binary classifier's single logistic unit;
its label is the second class where ``p > 0.5``, as ``predict``). A multilabel classifier returns
``label`` (n_samples, n_labels), int64 0/1 (``probabilities > 0.5``), then ``probabilities``
(n_samples, n_labels). A regressor returns ``prediction``, (n_samples,) for one output, else
(n_samples, n_outputs), in the network's dtype. Metadata ``neuronet.kind`` is ``"sklearn"``, with the
estimator's class, the task, the classes and, when ``X`` had column names, ``neuronet.feature_names``
(``feature_names_in_``). scikit-learn is imported only when an estimator is exported.

Versions
--------
``OPSET = 21`` and ``IR_VERSION = 10`` (the pair that ONNX 1.16 introduced) are pinned: every
onnxruntime from 1.18 on loads them, and every operator used here has float32 *and* float64 CPU
kernels there. ``LeakyRelu`` has no float64 kernel in onnxruntime, so leaky ReLU is written as
``Max(Z, slope * Z)``, which is also how neuronet computes it. Opset 21 has no operator that trims
the surrounding whitespace of a string (only ``StringNormalizer``, ``StringSplit``, ``StringConcat``
and ``RegexFullMatch``), so the graph compares category strings as given; the caller trims them.
"""
from __future__ import annotations

import json
import sys

import numpy as np

from ._extras import require
from ._files import atomic_write
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from .layers import Dense, Dropout

__all__ = ["to_onnx", "build_onnx", "OPSET", "IR_VERSION"]

#: The default-domain operator set the exported graphs declare.
OPSET = 21
#: The ONNX IR version the exported files declare (IR 10 goes with opset 21).
IR_VERSION = 10


class _Graph:
    """Collects nodes, initializers, inputs and outputs; every node output gets a fresh name."""

    def __init__(self, onnx, dtype):
        self.onnx, self.helper, self.numpy_helper = onnx, onnx.helper, onnx.numpy_helper
        self.dtype = np.dtype(dtype)
        self.elem_type = self.helper.np_dtype_to_tensor_dtype(self.dtype)
        self.nodes, self.initializers, self.inputs, self.outputs = [], [], [], []
        self._count = 0

    def fresh(self, stem):
        self._count += 1
        return f"_nn_{stem}_{self._count}"

    def const(self, stem, array, dtype=None):
        """Store ``array`` (cast to ``dtype``, default the graph's float dtype) as an initializer."""
        array = np.asarray(array)
        if array.dtype.kind in "OU":
            array = np.array([str(v) for v in array.ravel()], dtype=object).reshape(array.shape)
        else:
            array = np.ascontiguousarray(array, dtype=self.dtype if dtype is None else dtype)
        name = self.fresh(stem)
        self.initializers.append(self.numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, stem=None, output=None, **attrs):
        """Append one node; returns the name of its (single) output."""
        output = output or self.fresh(stem or op.lower())
        self.nodes.append(self.helper.make_node(op, list(inputs), [output],
                                                name=self.fresh(f"node_{op}"), **attrs))
        return output

    def add_input(self, name, elem_type, shape):
        self.inputs.append(self.helper.make_tensor_value_info(name, elem_type, shape))
        return name

    def add_output(self, source, name, elem_type, shape, first=False):
        """Expose tensor ``source`` as graph output ``name`` (through an Identity node if renamed).

        ``first=True`` puts it before the outputs added so far (``session.run(None, ...)`` returns
        the outputs in graph order).
        """
        if source != name:
            self.node("Identity", [source], output=name)
        info = self.helper.make_tensor_value_info(name, elem_type, shape)
        self.outputs.insert(0 if first else len(self.outputs), info)


# --------------------------------------------------------------------------------------------------
# Activations: one emitter per activation class. Anything else (a registered custom activation, a
# user subclass) has no ONNX equivalent here and is refused.
def _identity(graph, Z, activation):
    return Z


def _sigmoid(graph, Z, activation):
    return graph.node("Sigmoid", [Z])


def _tanh(graph, Z, activation):
    return graph.node("Tanh", [Z])


def _relu(graph, Z, activation):
    return graph.node("Relu", [Z])


def _leaky_relu(graph, Z, activation):
    # onnxruntime has no float64 LeakyRelu kernel; max(Z, slope * Z) equals it for 0 <= slope < 1.
    slope = graph.const("slope", np.array(activation.slope))
    return graph.node("Max", [Z, graph.node("Mul", [Z, slope])], stem="leaky_relu")


def _softmax(graph, Z, activation):
    return graph.node("Softmax", [Z], axis=1)


ACTIVATION_EMITTERS = {Identity: _identity, Sigmoid: _sigmoid, Tanh: _tanh, ReLU: _relu,
                       LeakyReLU: _leaky_relu, Softmax: _softmax}


def _dense(graph, A, layer, index):
    Z = graph.node("MatMul", [A, graph.const(f"W{index}", layer.weights)], stem=f"matmul{index}")
    if layer.has_bias:
        Z = graph.node("Add", [Z, graph.const(f"b{index}", layer.bias)], stem=f"z{index}")
    return ACTIVATION_EMITTERS[type(layer.activation)](graph, Z, layer.activation)


def _dropout(graph, A, layer, index):
    return A  # inverted dropout: the identity at prediction time


LAYER_EMITTERS = {Dense: _dense, Dropout: _dropout}


def network_body(graph, network, A):
    """Append every layer of ``network`` to ``graph``, starting from tensor ``A``; returns the output."""
    for index, layer in enumerate(network.layers):
        A = LAYER_EMITTERS[type(layer)](graph, A, layer, index)
    return A


def check_exportable(network):
    """Refuse, before building anything, a network with a layer or activation ONNX cannot express."""
    for index, layer in enumerate(network.layers):
        if type(layer) not in LAYER_EMITTERS:
            raise ValueError(f"layer {index} {layer!r} cannot be exported to ONNX: layers of type "
                             f"{type(layer).__name__} have no ONNX translation")
        if isinstance(layer, Dense) and type(layer.activation) not in ACTIVATION_EMITTERS:
            known = ", ".join(sorted(cls.name for cls in ACTIVATION_EMITTERS))
            raise ValueError(f"layer {index} {layer!r} cannot be exported to ONNX: activation "
                             f"{layer.activation.name!r} is a custom activation with no ONNX "
                             f"equivalent (exportable: {known})")


# --------------------------------------------------------------------------------------------------
# Labels
def label_tensor(classes):
    """The classes as an array onnx can store: strings, int64, float64 or bool; and its element type."""
    classes = np.asarray(classes)
    kind = classes.dtype.kind
    if kind in "OUS":
        return np.array([str(c) for c in classes], dtype=object)
    if kind == "u" and classes.size and classes.max() > np.iinfo(np.int64).max:
        big = classes[classes > np.iinfo(np.int64).max][0]
        raise ValueError(f"class label {int(big)} is above 2**63 - 1: the ONNX graph's labels are "
                         "int64 (as the model file's are); encode the labels, e.g. as text")
    if kind in "iu":
        return classes.astype(np.int64)
    if kind == "f":
        return classes.astype(np.float64)
    if kind == "b":
        return classes.astype(bool)
    raise ValueError(f"class labels of dtype {classes.dtype} cannot be stored in ONNX; "
                     "use strings or integers")


def gather_labels(graph, index, classes):
    """The tensor ``classes[index]`` (``index`` an int64 tensor of class positions).

    Returns
    -------
    label : str
        The name of the tensor.
    elem_type : int
        Its ONNX element type (see :func:`label_tensor`).
    """
    table = label_tensor(classes)
    classes = graph.const("classes", table, table.dtype)
    label = graph.node("Gather", [classes, index], stem="label", axis=0)
    return label, graph.helper.np_dtype_to_tensor_dtype(table.dtype)


def add_labels(graph, probabilities, classes):
    """Output ``label``: ``classes[argmax(probabilities, axis=1)]``, shape (n_samples,).

    It becomes the graph's *first* output, so ``label, probabilities = session.run(None, ...)``.
    """
    index = graph.node("ArgMax", [probabilities], stem="class_index", axis=1, keepdims=0)
    label, elem = gather_labels(graph, index, classes)
    graph.add_output(label, "label", elem, ["N"], first=True)


# --------------------------------------------------------------------------------------------------
# Network export
def _network_graph(graph, network):
    check_exportable(network)
    X = graph.add_input("X", graph.elem_type, ["N", network.n_inputs])
    out = network_body(graph, network, X)
    graph.add_output(out, "output", graph.elem_type, ["N", network.n_outputs])
    if network.output_activation == "softmax" and network.classes_ is not None:
        add_labels(graph, "output", network.classes_)
    labelled = len(graph.outputs) > 1
    doc = (f"neuronet network: input X (N, {network.n_inputs}) {network.dtype.name}; outputs "
           + ("'label' (N,) as Network.predict_classes, " if labelled else "")
           + f"'output' (N, {network.n_outputs}) as Network.predict")
    meta = {"neuronet.kind": "network", "neuronet.inputs": json.dumps(["X"]),
            "neuronet.dtype": network.dtype.name, "neuronet.input_dtype": network.dtype.name}
    if network.classes_ is not None:
        meta["neuronet.classes"] = json.dumps(label_tensor(network.classes_).tolist())
    return doc, meta


# --------------------------------------------------------------------------------------------------
# Public API
def _is_neuronet_estimator(obj):
    """Whether ``obj`` is a ``NeuronetClassifier`` / ``NeuronetRegressor`` (without importing sklearn).

    Such an object exists only once ``neuronet._sklearn_base`` has been imported, so a module that is
    not loaded yet means "no".
    """
    base = sys.modules.get("neuronet._sklearn_base")
    return base is not None and isinstance(obj, base.NeuronetEstimator)


def _not_exportable(obj):
    """The TypeError for ``obj``, with a hint for scikit-learn objects."""
    if hasattr(obj, "steps") and _is_neuronet_estimator(getattr(obj, "_final_estimator", None)):
        hint = ("; the earlier steps of a Pipeline are not exported: export its last step, "
                "pipeline[-1], and apply pipeline[:-1].transform(X) before feeding X")
    elif hasattr(obj, "get_params") and hasattr(obj, "fit"):
        hint = "; for other scikit-learn estimators, use skl2onnx"
    else:
        hint = ""
    return TypeError(f"to_onnx needs a neuronet Network or Model, or a fitted NeuronetClassifier or "
                     f"NeuronetRegressor, got {type(obj).__name__}{hint}")


def _builder(obj):
    """The network whose dtype the graph takes, and the function that fills the graph for ``obj``."""
    from .network import Network

    if isinstance(obj, Network):
        return obj, _network_graph
    if all(hasattr(obj, a) for a in ("network", "preprocessor", "task")):
        from .onnx_tabular import model_graph
        return obj.network, model_graph
    if _is_neuronet_estimator(obj):
        from .onnx_sklearn import estimator_graph, fitted_network
        return fitted_network(obj), estimator_graph
    raise _not_exportable(obj)


def build_onnx(model_or_network):
    """The ONNX ``ModelProto`` for a network, a trained model or a fitted estimator, checked but not written.

    Parameters
    ----------
    model_or_network : Network, Model, NeuronetClassifier or NeuronetRegressor
        A :class:`~neuronet.Network`; a model with ``network``, ``preprocessor`` and ``task`` (as
        ``neuronet.model.Model``); or a fitted ``neuronet.sklearn`` estimator.

    Returns
    -------
    onnx.ModelProto

    Raises
    ------
    TypeError
        If ``model_or_network`` is none of these.
    sklearn.exceptions.NotFittedError
        If the estimator has not been fitted.
    ValueError
        If a layer or activation has no ONNX equivalent (the message names the layer).
    """
    onnx = require("onnx", "onnx")
    require("onnx.numpy_helper", "onnx")
    network, build = _builder(model_or_network)
    graph = _Graph(onnx, network.dtype)
    doc, meta = build(graph, model_or_network)
    helper = onnx.helper
    proto = helper.make_model(
        helper.make_graph(graph.nodes, "neuronet", graph.inputs, graph.outputs, graph.initializers,
                          doc_string=doc),
        opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
        producer_name="neuronet", producer_version=_version(), doc_string=doc)
    helper.set_model_props(proto, meta)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def to_onnx(model_or_network, path):
    """Export a network, a trained model or a fitted estimator to the ONNX file ``path`` (atomically).

    Parameters
    ----------
    model_or_network : Network, Model, NeuronetClassifier or NeuronetRegressor
        See :func:`build_onnx`, and the module docstring for the graph's inputs and outputs. A
        fitted ``neuronet.sklearn`` estimator gives the graph skl2onnx gives ``MLPClassifier`` /
        ``MLPRegressor``: input ``X``; outputs ``label`` and ``probabilities`` (as ``predict`` and
        ``predict_proba``), or ``prediction`` (as a regressor's ``predict``).
    path : str or os.PathLike
        Where to write; the folder must exist. An existing file is replaced only once the new one
        is complete, and left untouched if the export fails; a symbolic link keeps pointing to its
        target, which gets the new file; a FIFO or device is written straight into (see
        :func:`neuronet._files.atomic_write`).

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    TypeError, ValueError, sklearn.exceptions.NotFittedError
        See :func:`build_onnx`; nothing is written then.
    """
    data = build_onnx(model_or_network).SerializeToString()
    return atomic_write(path, lambda f: f.write(data))


def _version():
    from . import __version__
    return __version__
