"""What a model file's JSON header says, both ways: describe a Model/Network, and rebuild one after checks.

:mod:`neuronet.io` owns the bytes (layout, checksums, atomic writes); this module owns the meaning.
``build`` validates every field it reads (types, ranges, names in the registries, shapes against the
arrays, labels and the metadata that neuronet reads) and raises :class:`SchemaError` before
constructing anything from invalid content.
"""
from __future__ import annotations

import numpy as np

from .activations import _BUILT_IN, ACTIVATIONS, LeakyReLU, _Custom
from .io import _shorten
from .layers import Dense, Dropout
from .losses import LOSSES
from .optimizers import OPTIMIZERS
from .schema_checks import SchemaError, _count, _name, _need, _q, _strings, check_metadata

__all__ = ["describe", "build", "check_manifest", "SchemaError", "FORMAT_NAME"]

FORMAT_NAME = "neuronet-model"
MAX_ARRAYS = 10_000
#: At most this many layers (Dense and Dropout), checked before any layer is built.
MAX_LAYERS = 10_000
#: At most this many epochs of loss history.
MAX_HISTORY = 1_000_000
#: Class labels are held as fixed-width NumPy text, so their count times the longest label is
#: capped (at 16 M characters, 64 MiB: the header's own cap) before that array is built.
MAX_LABEL_CHARS = 1 << 24
_LABEL_TYPES = {"bool": (bool,), "int": (int,), "float": (int, float), "str": (str,)}
_LABEL_DTYPES = {"bool": np.bool_, "int": np.int64, "float": np.float64, "str": str}


# ------------------------------------------------------------------------------------------------
# Describing (saving)
def describe(obj):
    """``(header, [(array name, array), ...])`` for a Model or a Network (the header lacks the manifest)."""
    from . import __version__
    from .io import finite_json
    from .model import Model
    from .network import Network
    if isinstance(obj, Model):
        net_header, arrays = _describe_network(obj.network)
        p = obj.preprocessor
        arrays += [("preprocessor.mean", np.asarray(p.mean_, dtype=np.float64)),
                   ("preprocessor.scale", np.asarray(p.scale_, dtype=np.float64))]
        model = {"task": obj.task, "target": obj.target,
                 "classes": _labels_json(obj.classes_),
                 "target_mean": obj.target_mean_, "target_scale": obj.target_scale_,
                 "preprocessor": {"columns": list(p.columns_),
                                  "numeric_columns": list(p.numeric_columns_),
                                  "categorical_columns": list(p.categorical_columns_),
                                  "categories": [list(c) for c in p.categories_],
                                  "missing": sorted(p.missing)},
                 "metadata": finite_json(obj.metadata)}
        kind = "model"
    elif isinstance(obj, Network):
        net_header, arrays = _describe_network(obj)
        model, kind = None, "network"
    else:
        raise TypeError(f"save expects a neuronet Model or Network, got {type(obj).__name__}")
    header = {"format": FORMAT_NAME, "library_version": __version__, "kind": kind,
              "network": net_header}
    if model is not None:
        header["model"] = model
    return header, arrays


def _describe_network(net):
    from .io import finite_json
    layers, arrays = [], []
    for i, layer in enumerate(net.layers):
        if isinstance(layer, Dense):
            _check_loadable_activation(i, layer)
            entry = {"type": "dense", "n_in": layer.n_in, "n_out": layer.n_out,
                     "activation": layer.activation.name, "bias": layer.has_bias}
            if isinstance(layer.activation, LeakyReLU):
                entry["activation_slope"] = layer.activation.slope
            arrays.append((f"layers.{i}.weights", layer.weights))
            if layer.has_bias:
                arrays.append((f"layers.{i}.bias", layer.bias))
        elif isinstance(layer, Dropout):
            entry = {"type": "dropout", "rate": layer.rate}
        else:
            raise TypeError(f"cannot save layer {layer!r}: only Dense and Dropout layers are stored")
        layers.append(entry)
    optimizer = next((name for name, cls in OPTIMIZERS.items() if type(net.optimizer) is cls), None)
    if optimizer is None:
        raise TypeError(f"cannot save optimizer {net.optimizer!r}: not one of {', '.join(OPTIMIZERS)}")
    if type(net.loss) is not LOSSES.get(net.loss.name):
        raise TypeError(f"cannot save loss {net.loss!r}: a custom Loss cannot be rebuilt when the "
                        f"file is loaded; only {', '.join(sorted(LOSSES))} are stored")
    header = {"dtype": net.dtype.name, "layers": layers, "loss": net.loss.name,
              "optimizer": {"name": optimizer, "config": finite_json(net.optimizer.get_config())},
              "classes": _labels_json(net.classes_),
              "history": finite_json(net.history)}
    return header, arrays


def _check_loadable_activation(index, layer):
    """Refuse, before anything is written, an activation that ``load`` could not rebuild by name:
    a built-in name must be the built-in class, any other name a ``register_activation`` one."""
    activation = layer.activation
    name = activation.name
    if name in _BUILT_IN:
        loadable = type(activation) is type(ACTIVATIONS[name]())
    else:
        loadable = isinstance(activation, _Custom)
    if not loadable:
        raise TypeError(f"cannot save layer {index} {layer!r}: its activation {activation!r} is a "
                        "custom Activation object, which load cannot rebuild; register it by name "
                        "with neuronet.register_activation(name, function, derivative) and use "
                        "that name")


def _labels_json(classes):
    """``{"kind": ..., "values": [...]}`` for class labels; labels that load could not give back as
    they are (bytes, dates, objects, unsigned ints beyond int64) are refused."""
    if classes is None:
        return None
    classes = np.asarray(classes)
    if classes.dtype.kind == "O":                  # e.g. from pandas: the type of the values
        classes = np.asarray(classes.tolist())
    kind = {"b": "bool", "i": "int", "u": "int", "f": "float", "U": "str"}.get(classes.dtype.kind)
    if kind is None:
        example = classes.ravel()[0].item() if classes.size else None
        raise TypeError(f"the class labels have dtype {classes.dtype} (e.g. {example!r}), which "
                        "a model file cannot hold; use text, whole numbers, numbers or True/False")
    values = classes.tolist()
    if kind == "int" and any(v >= 2 ** 63 for v in values):
        raise ValueError(f"the class label {max(values)} is too large: a model file holds whole-"
                         "number labels of up to 2**63 - 1; use text labels instead")
    return {"kind": kind, "values": values}


# ------------------------------------------------------------------------------------------------
# Checking (the field checks and the metadata's are in neuronet.schema_checks)
def check_manifest(header, data_size):
    """Validate the array manifest against the data size; returns the manifest entries."""
    if not isinstance(header, dict):
        raise SchemaError("the header must be a JSON object")
    if header.get("format") != FORMAT_NAME:
        raise SchemaError(f"format is {_q(header.get('format'))}, expected {FORMAT_NAME!r}")
    data = _need(header, "data", dict, "header")
    size = _need(data, "size", int, "data")
    digest = _need(data, "sha256", str, "data")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise SchemaError("data.sha256 is not a SHA-256 hex digest")
    if size != data_size:
        raise SchemaError(f"the header says the arrays take {size:,} bytes, but the file holds "
                          f"{data_size:,} (truncated or extended file)")
    manifest = _need(header, "arrays", list, "header")
    if len(manifest) > MAX_ARRAYS:
        raise SchemaError(f"the manifest lists {len(manifest)} arrays, more than {MAX_ARRAYS}")
    spans, names = [], set()
    for k, entry in enumerate(manifest):
        where = f"arrays[{k}]"
        name = _need(entry, "name", str, where)
        if name in names:
            raise SchemaError(f"array name {_q(name)} appears twice")
        names.add(name)
        dtype = _need(entry, "dtype", str, where)
        if dtype not in ("<f8", "<f4"):
            raise SchemaError(f"array {name!r} has dtype {dtype!r}; only '<f4' and '<f8' are allowed")
        shape = _need(entry, "shape", list, where)
        if len(shape) > 2:
            raise SchemaError(f"array {name!r} has {len(shape)} dimensions; at most 2 are allowed")
        n = 1
        for d in shape:
            n *= _count(d, f"array {name!r} shape", minimum=0)
        offset = _count(_need(entry, "offset", int, where), f"array {name!r} offset", minimum=0)
        nbytes = _count(_need(entry, "nbytes", int, where), f"array {name!r} nbytes", minimum=0)
        if nbytes != n * int(dtype[-1]):
            raise SchemaError(f"array {name!r}: {nbytes} bytes do not fit shape {shape} of {dtype}")
        if offset + nbytes > data_size:
            raise SchemaError(f"array {name!r} runs past the end of the file")
        spans.append((offset, offset + nbytes, name))
    spans.sort()
    for (a0, a1, an), (b0, _, bn) in zip(spans, spans[1:]):
        if b0 < a1:
            raise SchemaError(f"arrays {an!r} and {bn!r} overlap")
    return manifest


# ------------------------------------------------------------------------------------------------
# Building (loading)
def build(header, arrays):
    """A Model or Network from a verified header and its arrays (``{name: ndarray}``)."""
    kind = _need(header, "kind", str, "header")
    if kind not in ("model", "network"):
        raise SchemaError(f"kind must be 'model' or 'network', got {_q(kind)}")
    _need(header, "library_version", str, "header")
    used = set()
    net = _build_network(_need(header, "network", dict, "header"), arrays, used)
    result = net
    if kind == "model":
        result = _build_model(_need(header, "model", dict, "header"), net, arrays, used)
    extra = set(arrays) - used
    if extra:
        shown = ", ".join(_q(name) for name in sorted(extra)[:5])
        raise SchemaError(f"{len(extra)} unexpected array{'s' * (len(extra) > 1)} in the file: "
                          f"{shown}{', ...' * (len(extra) > 5)}")
    return result


def _array(arrays, name, shape, dtype, used):
    if name not in arrays:
        raise SchemaError(f"the array {name!r} is missing")
    array = arrays[name]
    if array.shape != tuple(shape):
        raise SchemaError(f"array {name!r} has shape {array.shape}, expected {tuple(shape)}")
    if array.dtype != dtype:
        raise SchemaError(f"array {name!r} has dtype {array.dtype}, expected {np.dtype(dtype)}")
    used.add(name)
    return array


def _build_network(spec, arrays, used):
    from .network import Network
    dtype = _need(spec, "dtype", str, "network")
    if dtype not in ("float32", "float64"):
        raise SchemaError(f"network.dtype must be 'float32' or 'float64', got {_q(dtype)}")
    specs = _need(spec, "layers", list, "network")
    if not specs:
        raise SchemaError("network.layers is empty")
    if len(specs) > MAX_LAYERS:
        raise SchemaError(f"network.layers lists {len(specs):,} layers, more than {MAX_LAYERS:,}")
    layers, values = [], []
    for i, entry in enumerate(specs):
        where = f"network.layers[{i}]"
        kind = _need(entry, "type", str, where)
        if kind == "dense":
            n_in = _count(_need(entry, "n_in", int, where), f"{where}.n_in")
            n_out = _count(_need(entry, "n_out", int, where), f"{where}.n_out")
            name = _need(entry, "activation", str, where)
            if name not in ACTIVATIONS:
                raise SchemaError(f"{where}: unknown activation {_q(name)} (known: "
                                  f"{', '.join(sorted(ACTIVATIONS))}); register it before loading")
            activation = ACTIVATIONS[name]()
            slope = _need(entry, "activation_slope", (int, float), where, optional=True)
            if slope is not None:
                if not isinstance(activation, LeakyReLU) or not 0.0 <= slope < 1.0:
                    raise SchemaError(f"{where}: invalid activation_slope {slope!r}")
                activation = LeakyReLU(slope)
            bias = _need(entry, "bias", bool, where)
            # the arrays first: a layer is only allocated once the file has shown its weights
            values.append((i, _array(arrays, f"layers.{i}.weights", (n_in, n_out), dtype, used),
                           _array(arrays, f"layers.{i}.bias", (n_out,), dtype, used) if bias else None))
            layers.append(Dense(n_in, n_out, activation=activation, bias=bias))
        elif kind == "dropout":
            rate = _need(entry, "rate", (int, float), where)
            if not 0.0 <= rate < 1.0:
                raise SchemaError(f"{where}.rate must be in [0, 1), got {rate!r}")
            layers.append(Dropout(rate))
        else:
            raise SchemaError(f"{where}: unknown layer type {_q(kind)}")
    loss = _need(spec, "loss", str, "network")
    if loss not in LOSSES:
        raise SchemaError(f"unknown loss {_q(loss)} (known: {', '.join(sorted(LOSSES))})")
    opt = _need(spec, "optimizer", dict, "network")
    opt_name = _need(opt, "name", str, "network.optimizer")
    if opt_name not in OPTIMIZERS:
        raise SchemaError(f"unknown optimizer {_q(opt_name)} (known: {', '.join(sorted(OPTIMIZERS))})")
    config = _need(opt, "config", dict, "network.optimizer")
    for key, value in config.items():
        if not isinstance(value, (int, float, bool)):
            raise SchemaError(f"network.optimizer.config.{_shorten(key)} must be a number or "
                              "true/false")
    try:
        optimizer = OPTIMIZERS[opt_name](**config)
        net = Network(layers, loss=loss, optimizer=optimizer, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise SchemaError(f"the architecture is invalid: {err}") from None
    for i, weights, bias in values:
        net.layers[i].weights = weights
        if bias is not None:
            net.layers[i].bias = bias
    net.classes_ = _labels(spec.get("classes"), "network.classes", net)
    history = _need(spec, "history", dict, "network", optional=True) or {}
    net.history = {"loss": _floats(history.get("loss", []), "network.history.loss"),
                   "val_loss": _floats(history.get("val_loss", []), "network.history.val_loss")}
    return net


def _floats(values, where):
    if isinstance(values, list) and len(values) > MAX_HISTORY:
        raise SchemaError(f"{where} holds {len(values):,} epochs, more than {MAX_HISTORY:,}")
    if not isinstance(values, list) or not all(
            v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values):
        raise SchemaError(f"{where} must be a list of numbers")
    return [float("nan") if v is None else float(v) for v in values]


def _labels(spec, where, net):
    """Class labels as a NumPy array, for a softmax output of ``net``; checked as Python values
    first, so that nothing large is built from a file that asks for it."""
    if spec is None:
        return None
    kind = _need(spec, "kind", str, where)
    values = _need(spec, "values", list, where)
    if kind not in _LABEL_TYPES:
        raise SchemaError(f"{where}.kind must be one of {', '.join(_LABEL_TYPES)}, got {_q(kind)}")
    if net.output_activation != "softmax" or len(values) != net.n_outputs:
        raise SchemaError(f"{where} has {len(values)} labels for a {net.output_activation} output "
                          f"of {net.n_outputs} units")
    types = _LABEL_TYPES[kind]
    if not values or not all(isinstance(v, types) and (kind == "bool") == isinstance(v, bool)
                             for v in values):
        raise SchemaError(f"{where}.values must be a non-empty list of {kind} labels")
    if kind == "str":
        for text in values:
            _name(text, f"{where}.values")
        if len(values) * max(map(len, values)) > MAX_LABEL_CHARS:
            raise SchemaError(f"{where}: {len(values):,} labels of up to {max(map(len, values)):,} "
                              f"characters are too much text (limit {MAX_LABEL_CHARS:,} characters)")
    if not all(a < b for a, b in zip(values, values[1:])):
        raise SchemaError(f"{where}.values must be sorted and distinct")
    return np.array(values, dtype=_LABEL_DTYPES[kind])


def _build_model(spec, net, arrays, used):
    from .model import TASKS, Model
    from .preprocessing import TabularPreprocessor
    task = _need(spec, "task", str, "model")
    if task not in TASKS:
        raise SchemaError(f"model.task must be one of {', '.join(TASKS)}, got {_q(task)}")
    target = _name(_need(spec, "target", str, "model"), "model.target")
    pre = _need(spec, "preprocessor", dict, "model")
    missing = _need(pre, "missing", list, "model.preprocessor", optional=True)
    p = TabularPreprocessor() if missing is None else TabularPreprocessor(
        _strings(missing, "preprocessor.missing"))
    p.columns_ = _strings(_need(pre, "columns", list, "model.preprocessor"), "preprocessor.columns")
    p.numeric_columns_ = _strings(_need(pre, "numeric_columns", list, "model.preprocessor"),
                                  "preprocessor.numeric_columns")
    p.categorical_columns_ = _strings(_need(pre, "categorical_columns", list, "model.preprocessor"),
                                      "preprocessor.categorical_columns")
    if sorted(p.numeric_columns_ + p.categorical_columns_) != sorted(p.columns_):
        raise SchemaError("preprocessor: numeric and categorical columns do not make up the columns")
    if target in p.columns_:
        raise SchemaError(f"the target {_q(target)} is also an input column")
    categories = _need(pre, "categories", list, "model.preprocessor")
    if len(categories) != len(p.categorical_columns_):
        raise SchemaError("preprocessor: one list of categories per categorical column is needed")
    p.categories_ = []
    for name, cats in zip(p.categorical_columns_, categories):
        cats = _strings(cats, f"preprocessor.categories of {_q(name)}")
        if not cats or cats != sorted(cats):
            raise SchemaError(f"preprocessor.categories of {_q(name)} must be non-empty and sorted")
        p.categories_.append(cats)
    n = len(p.numeric_columns_)
    p.mean_ = _array(arrays, "preprocessor.mean", (n,), np.float64, used).copy()
    p.scale_ = _array(arrays, "preprocessor.scale", (n,), np.float64, used).copy()
    if np.any(p.scale_ <= 0):
        raise SchemaError("preprocessor.scale must be positive")
    if p.n_features_out_ != net.n_inputs:
        raise SchemaError(f"the preprocessing gives {p.n_features_out_} features but the network "
                          f"takes {net.n_inputs}")
    classes = _labels(spec.get("classes"), "model.classes", net)
    mean = _need(spec, "target_mean", (int, float), "model", optional=True)
    scale = _need(spec, "target_scale", (int, float), "model", optional=True)
    if task == "regression":
        if mean is None or scale is None or not scale > 0 or classes is not None:
            raise SchemaError("a regression model needs target_mean, a positive target_scale and no classes")
        if net.n_outputs != 1 or net.output_activation != "identity":
            raise SchemaError("a regression model needs one identity output unit")
    else:
        if mean is not None or scale is not None:
            raise SchemaError(f"a {task} model has no target_mean or target_scale")
        if classes is None or classes.size != net.n_outputs or net.output_activation != "softmax":
            raise SchemaError(f"a {task} model needs a softmax output with one unit per class")
        if (task == "binary") != (classes.size == 2):
            raise SchemaError(f"task {task!r} does not match {classes.size} classes")
    metadata = _need(spec, "metadata", dict, "model", optional=True) or {}
    check_metadata(metadata, classes)
    return Model(net, p, task, target, classes, mean, scale, metadata)
