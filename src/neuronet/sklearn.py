"""scikit-learn estimators on neuronet networks: ``NeuronetClassifier`` and ``NeuronetRegressor``.

They take ``sklearn.neural_network.MLPClassifier`` / ``MLPRegressor``'s parameters (same names, same
defaults), so one can replace the other, and add per-layer activations, ``dropout``, ``class_weight``
and ``dtype``. Training is ``neuronet.Network.fit``; the fitted network is ``network_``.

>>> from sklearn.datasets import load_iris
>>> from neuronet.sklearn import NeuronetClassifier
>>> X, y = load_iris(return_X_y=True)
>>> clf = NeuronetClassifier(hidden_layer_sizes=(16,), max_iter=300, random_state=0).fit(X, y)
>>> clf.score(X, y) > 0.9
True

Needs the ``sklearn`` extra (``pip install neuronet[sklearn]``).
"""
from __future__ import annotations

import numpy as np

from ._extras import require
from ._sklearn_base import NeuronetEstimator
from ._sklearn_params import PARAMETERS_DOC

require("sklearn", "sklearn")
from sklearn.base import ClassifierMixin, RegressorMixin  # noqa: E402
from sklearn.metrics import accuracy_score, r2_score  # noqa: E402
from sklearn.preprocessing import LabelBinarizer  # noqa: E402
from sklearn.utils.class_weight import compute_class_weight  # noqa: E402
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels  # noqa: E402
from sklearn.utils.validation import column_or_1d  # noqa: E402

__all__ = ["NeuronetClassifier", "NeuronetRegressor"]

_ATTRIBUTES_DOC = """
    Attributes
    ----------
    network_ : neuronet.Network
        The fitted network (save it with neuronet's own formats, ...). To serve the estimator with
        ONNX, export the estimator itself, ``estimator.to_onnx(path)``: that graph keeps the labels
        and predict_proba's columns, which ``network_`` alone lacks.
    coefs_, intercepts_ : list of ndarray
        Weights ``(n_in, n_out)`` and biases ``(n_out,)`` of each layer: views into ``network_``.
    loss_ : float
        Training loss (with the L2 penalty) of the last epoch.
    loss_curve_ : list of float
        Training loss of every epoch, across ``partial_fit`` calls.
    best_loss_ : float or None
        The lowest training loss (``None`` with ``early_stopping``).
    validation_scores_ : list of float or None
        The held-out score of every epoch (with ``early_stopping``, else ``None``).
    best_validation_score_ : float or None
    n_iter_ : int
        Epochs run by the last ``fit`` (1 after ``partial_fit``).
    t_ : int
        Training samples seen, in total.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` had string column names (a DataFrame).
    n_outputs_ : int
        Units of the output layer.
    n_layers_ : int
        Layers counting the input: ``len(hidden_layer_sizes) + 2``.
    out_activation_ : str
        ``"logistic"``, ``"softmax"`` or ``"identity"``.
"""


class NeuronetClassifier(ClassifierMixin, NeuronetEstimator):
    """A neural-network classifier: binary (one logistic unit), multiclass (softmax) or multilabel.

    The loss is the cross-entropy. Labels can be anything sortable (ints, strings, ...).

    Parameters
    ----------{parameters}    class_weight : dict, "balanced" or None, default=None
        Weights per class, multiplied into ``sample_weight``: ``{{label: weight}}``, or ``"balanced"``
        for ``n_samples / (n_classes * count(label))`` (not in ``partial_fit``, which sees one batch).
        Not for multilabel targets.
{attributes}    classes_ : ndarray
        The labels, sorted (for multilabel targets, the column indices).
    """

    _stratify = True

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
                 max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False,
                 warm_start=False, momentum=0.9, nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10, max_fun=15000, dropout=0.0, class_weight=None,
                 dtype="float64"):
        self._set_params_from(locals())

    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over ``(X, y)``, continuing from the current network.

        Parameters
        ----------
        X, y, sample_weight : as in ``fit``
        classes : array-like, shape (n_classes,)
            Every label there will be; required on the first call (``y`` need not show them all).

        Returns
        -------
        self
        """
        if classes is None and not hasattr(self, "classes_"):
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if classes is not None:
            classes = unique_labels(classes)
            if hasattr(self, "classes_"):
                if not np.array_equal(self.classes_, classes):
                    raise ValueError(f"`classes={classes!r}` is not the same as on last call to "
                                     f"partial_fit, was: {self.classes_!r}")
            else:
                multilabel = type_of_target(y).startswith("multilabel")
                binarizer = LabelBinarizer().fit(y if multilabel else classes)
                if multilabel and not np.array_equal(binarizer.classes_, classes):
                    raise ValueError(f"classes={classes!r} does not match y: for a multilabel y "
                                     f"(0/1 indicators), classes are its column indices "
                                     f"{binarizer.classes_!r}")
                self._label_binarizer = binarizer
                self.classes_ = binarizer.classes_
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predicted labels, shape (n_samples,) (or (n_samples, n_labels) for multilabel)."""
        return self._labels(self._forward(X))

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes); per label for multilabel targets."""
        P = self._forward(X)
        return np.hstack([1.0 - P, P]) if self.n_outputs_ == 1 else P

    def predict_log_proba(self, X):
        """``log(predict_proba(X))``."""
        return np.log(self.predict_proba(X))

    # ----------------------------------------------------------------------------------------------
    def _output_activation(self, n_outputs):
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "sigmoid"

    def _encode_y(self, y, reset, incremental):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if reset and not incremental:
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
            if y.ndim == 1 and len(self.classes_) < 2:
                raise ValueError(f"{type(self).__name__} needs at least two classes to learn, but y "
                                 f"holds only one class: {_shown(self.classes_[0])}")
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError("warm_start can only be used where `y` has the same classes as "
                                     f"in the previous call to fit. Previously got {self.classes_}, "
                                     f"`y` has {classes}")
            elif len(np.setdiff1d(classes, self.classes_)):
                raise ValueError(f"`y` has classes not in `self.classes_`. `self.classes_` has "
                                 f"{self.classes_}. 'y' has {classes}.")
        return y, self._label_binarizer.transform(y)

    def _class_sample_weight(self, y, w, incremental):
        multilabel = self._label_binarizer.y_type_.startswith("multilabel")
        given = w is not None                     # a sample_weight of the caller's
        if self.class_weight is not None:
            if multilabel:
                raise ValueError("class_weight is not supported for multilabel y; pass sample_weight")
            if self.class_weight == "balanced" and incremental:
                raise ValueError("class_weight='balanced' is not supported by partial_fit, which sees "
                                 "one batch at a time; compute the weights over all the data with "
                                 "sklearn.utils.class_weight.compute_class_weight and pass them as "
                                 "a dict")
            weights = self._per_class_weights(y, w)
            per_sample = weights[np.searchsorted(self.classes_, y)]
            w = per_sample if w is None else w * per_sample  # Network.fit casts to its dtype
        if w is not None and not multilabel and not w.any():
            source = ("sample_weight" if self.class_weight is None else
                      "class_weight with sample_weight" if given else "class_weight")
            present = ", ".join(_shown(c) for c in np.unique(y))
            if not incremental:        # (partial_fit skips such a batch: no step)
                raise ValueError(f"{source} gives every row of y weight 0 (classes present: "
                                 f"{present}): there is nothing to learn from")
        if w is not None and not incremental and not multilabel:
            weighted = np.unique(y[w > 0])
            if weighted.size < 2:
                raise ValueError(f"only one class ({_shown(weighted[0])}) has samples with a "
                                 f"positive weight; {type(self).__name__} needs at least two "
                                 "classes to learn")
        return w

    def _per_class_weights(self, y, w):
        """One weight per class in ``classes_``: ``class_weight``'s, with "balanced" counting the
        sample weights, ``n_samples / (n_classes * count(label))`` in weighted counts (as
        scikit-learn >= 1.7's ``compute_class_weight(..., sample_weight=w)``; 1.6 lacks it)."""
        if not (isinstance(self.class_weight, str) and self.class_weight == "balanced"):
            return compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        counts = np.bincount(np.searchsorted(self.classes_, y), weights=w,
                             minlength=len(self.classes_)).astype(np.float64)
        if not counts.all():
            empty = self.classes_[np.flatnonzero(counts == 0)[0]]
            raise ValueError(f"class_weight='balanced': class {_shown(empty)} has no samples with "
                             "a positive sample_weight")
        return counts.sum() / (len(self.classes_) * counts)

    def _labels(self, P):
        return self._label_binarizer.inverse_transform(P.ravel() if self.n_outputs_ == 1 else P)

    def _validation_score(self, X, y, w):
        return accuracy_score(y, self._labels(self.network_.predict(X)), sample_weight=w)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class NeuronetRegressor(RegressorMixin, NeuronetEstimator):
    """A neural-network regressor (identity output, squared error), single- or multi-output.

    The loss is ``1/2`` the squared error summed over outputs and averaged over samples (its gradient
    is MLPRegressor's; MLPRegressor also averages its reported loss over the outputs).

    Parameters
    ----------
    loss : "squared_error", default="squared_error"
        First, as in MLPRegressor (``NeuronetRegressor((16,))`` would set ``loss``, not the hidden
        layers). MLPRegressor's ``"poisson"`` is not available.{parameters}
{attributes}"""

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1, beta_1=0.9,
                 beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000, dropout=0.0,
                 dtype="float64"):
        self._set_params_from(locals())

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, continuing from the current network; returns self."""
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predictions, shape (n_samples,) for one output, else (n_samples, n_outputs)."""
        P = self._forward(X)
        return P.ravel() if P.shape[1] == 1 else P

    # ----------------------------------------------------------------------------------------------
    def _output_activation(self, n_outputs):
        return "identity"

    def _encode_y(self, y, reset, incremental):
        if y.dtype.kind in "USO":  # validate_data(y_numeric=True) leaves numpy strings as they are
            raise ValueError(f"y must hold numbers for a regressor, got text such as "
                             f"{str(y.flat[0])!r}; for labels, use NeuronetClassifier")
        return y, (y.reshape(-1, 1) if y.ndim == 1 else y)

    def _class_sample_weight(self, y, w, incremental):
        return w

    def _validation_score(self, X, y, w):
        P = self.network_.predict(X)
        return r2_score(y, P.ravel() if y.ndim == 1 else P, sample_weight=w)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


for _cls in (NeuronetClassifier, NeuronetRegressor):
    _cls.__doc__ = _cls.__doc__.format(parameters=PARAMETERS_DOC, attributes=_ATTRIBUTES_DOC)
del _cls


def _shown(label):
    """A label for messages: ``2`` or ``'cat'``, not NumPy's ``np.int64(2)``."""
    return repr(label.item() if isinstance(label, np.generic) else label)
