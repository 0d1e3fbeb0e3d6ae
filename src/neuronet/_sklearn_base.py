"""What NeuronetClassifier and NeuronetRegressor share: parameters -> Network, and fit / partial_fit.

The estimators hold no training code of their own. ``fit`` validates the data with scikit-learn's
``validate_data``, turns the hyper-parameters into a :class:`~neuronet.Network` (layers, loss,
optimizer, seed, dtype) and calls ``Network.fit`` with a callback that applies scikit-learn's stopping
rule (:mod:`neuronet._sklearn_convergence`). Subclasses say how targets are encoded and scored.
"""
from __future__ import annotations

import numbers
import warnings

import numpy as np

from ._extras import require
from ._sklearn_convergence import SklearnConvergence
from ._sklearn_params import check_params, hidden_sizes, per_layer
from .layers import Dense, Dropout
from .network import Network
from .optimizers import SGD, Adam
from .training import TrainingDiverged
from .validation import check_finite, check_sample_weight

require("sklearn", "sklearn")
from sklearn.base import BaseEstimator  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.utils.validation import check_is_fitted, validate_data  # noqa: E402

__all__ = ["NeuronetEstimator"]

_FIT_DTYPES = {"float64": np.float64, "float32": np.float32, None: (np.float64, np.float32)}


class NeuronetEstimator(BaseEstimator):
    """Base class of the scikit-learn estimators (not for direct use).

    Subclasses define ``_output_activation(n_outputs)``, ``_encode_y(y, reset, incremental)``
    returning ``(y, Y)`` (validated labels or values, and the ``(n_samples, n_outputs)`` array the
    network trains on), ``_class_sample_weight(y, w, incremental)`` and ``_validation_score``.
    """

    _stratify = False  # classifiers stratify the early-stopping split

    def _set_params_from(self, arguments):
        """Store each ``__init__`` argument as the attribute of its name, as scikit-learn expects.

        The subclasses spell out their own ``__init__`` signatures (``get_params`` reads them) and
        call ``self._set_params_from(locals())`` -- no checks here: ``fit`` validates.
        """
        for name, value in arguments.items():
            if name != "self":
                setattr(self, name, value)

    # ----------------------------------------------------------------------------------------------
    # Familiar views of the fitted network
    @property
    def coefs_(self):
        """Weight matrices, layer by layer, each ``(n_in, n_out)``: views into ``network_``.

        Writing changes the network, as with MLPClassifier: ``coefs_[0] = W``, ``coefs_ = [...]``
        and ``coefs_[0][:] = W`` all copy into it (same shapes only).
        """
        return _WriteThroughList("coefs_", self._dense_arrays("weights"))

    @coefs_.setter
    def coefs_(self, arrays):
        _WriteThroughList("coefs_", self._dense_arrays("weights")).assign_all(arrays)

    @property
    def intercepts_(self):
        """Bias vectors, layer by layer, each ``(n_out,)``: views into ``network_`` (writable)."""
        return _WriteThroughList("intercepts_", self._dense_arrays("bias"))

    @intercepts_.setter
    def intercepts_(self, arrays):
        _WriteThroughList("intercepts_", self._dense_arrays("bias")).assign_all(arrays)

    def _dense_arrays(self, name):
        check_is_fitted(self)
        return [getattr(layer, name) for layer in self.network_.layers if isinstance(layer, Dense)]

    # ----------------------------------------------------------------------------------------------
    # Building the network
    def _build_network(self, n_features, n_outputs, dtype):
        sizes = hidden_sizes(self.hidden_layer_sizes)
        activations = per_layer("activation", self.activation, len(sizes))
        rates = per_layer("dropout", self.dropout, len(sizes))
        layers, n_in = [], n_features
        for size, activation, rate in zip(sizes, activations, rates):
            layers.append(Dense(n_in, size, activation=activation))
            if rate:
                layers.append(Dropout(float(rate)))
            n_in = size
        layers.append(Dense(n_in, n_outputs, activation=self._output_activation(n_outputs)))
        return Network(layers, optimizer=self._new_optimizer(), seed=_seed(self.random_state),
                       dtype=dtype)

    def _new_optimizer(self):
        lr = float(self.learning_rate_init)
        if self.solver == "sgd":
            momentum = float(self.momentum)
            return SGD(lr, momentum=momentum, nesterov=bool(self.nesterovs_momentum) and momentum > 0)
        return Adam(lr, beta1=float(self.beta_1), beta2=float(self.beta_2),
                    epsilon=float(self.epsilon))

    def _initialize(self, n_features, n_outputs, dtype):
        """A fresh network and a fresh record (what a first ``fit`` starts from)."""
        self.network_ = self._build_network(n_features, n_outputs, dtype)
        self.n_outputs_ = n_outputs
        self.n_layers_ = len(hidden_sizes(self.hidden_layer_sizes)) + 2
        self.out_activation_ = {"sigmoid": "logistic"}.get(self.network_.output_activation,
                                                           self.network_.output_activation)
        self.loss_curve_ = []
        self.n_iter_ = 0
        self.t_ = 0
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    # ----------------------------------------------------------------------------------------------
    # Training
    def fit(self, X, y, sample_weight=None):
        """Train a fresh network (or, with ``warm_start``, continue) for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        y : array-like
            Classifier: labels, shape (n_samples,), or 0/1 indicators, shape (n_samples, n_labels),
            for multilabel. Regressor: targets, shape (n_samples,) or (n_samples, n_outputs).
        sample_weight : array-like, shape (n_samples,), optional

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight=None, *, incremental=False):
        check_params(self)
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        first = not hasattr(self, "network_") or not (self.warm_start or incremental)
        dtype = _FIT_DTYPES[dtype_name(self.dtype)] if first else self.network_.dtype
        if not first and dtype_name(self.dtype) not in (None, self.network_.dtype.name):
            warnings.warn(f"dtype={self.dtype!r} is not applied: training continues the fitted "
                          f"{self.network_.dtype.name} network (warm_start or partial_fit); "
                          "fit afresh (warm_start=False) to change the dtype", UserWarning)
        _refuse_sparse(self, X)
        X, y = validate_data(self, X, y, reset=first, dtype=dtype, multi_output=True,
                             y_numeric=not self._stratify)
        y, Y = self._encode_y(y, reset=first, incremental=incremental)
        with np.errstate(over="ignore"):     # float32: 1e39 becomes inf, named just below
            Y, wide = np.asarray(Y, dtype=X.dtype), Y
        check_finite(Y, "y", source=wide)
        w = _check_sample_weight(sample_weight, X.shape[0], X.dtype)
        w = self._class_sample_weight(y, w, incremental=incremental)

        if first:
            self._initialize(X.shape[1], Y.shape[1], X.dtype)
        elif Y.shape[1] != self.network_.n_outputs:
            raise ValueError(f"y has {Y.shape[1]} outputs but the fitted network has "
                             f"{self.network_.n_outputs}; fit afresh (warm_start=False) to change it")
        elif not incremental:  # warm start: like scikit-learn, a new optimizer (fresh moments)
            self.network_.optimizer = self._new_optimizer()
            self.network_.optimizer.bind(self.network_.parameters, self.network_.gradients)

        if incremental and w is not None and not w.any():
            return self    # a batch whose rows all weigh 0 (class_weight): nothing to learn, no step
        validation = None
        if self.early_stopping:
            X, Y, y, w, validation = self._split(X, Y, y, w)
        batch_size = self._batch_size(X.shape[0])
        mean_weight = 1.0 if w is None else float(w.mean())
        self.network_.optimizer.weight_decay = float(self.alpha) / (batch_size * mean_weight)
        self.n_iter_ = 0
        monitor = SklearnConvergence(self, X.shape[0], validation)
        try:
            self.network_.fit(X, Y, epochs=1 if incremental else int(self.max_iter),
                              batch_size=batch_size, shuffle=bool(self.shuffle),
                              callbacks=[monitor], sample_weight=w)
        except TrainingDiverged as err:    # name the estimator's parameter, not the optimizer's
            raise TrainingDiverged(str(err).replace("a smaller learning rate (now",
                                                    "a smaller learning_rate_init (now")) from None
        if not incremental and not monitor.converged:
            warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and "
                          "the optimization hasn't converged yet.", ConvergenceWarning)
        return self

    def _split(self, X, Y, y, w):
        """Hold out ``validation_fraction`` of the rows for early stopping (as MLPClassifier does).

        A classifier's split is stratified by class where it can be: a class with a single row,
        or a validation side smaller than the number of classes, gets a plain random split, as
        MLPClassifier always uses for more than two classes."""
        stratify = y if self._stratify and y.ndim == 1 else None
        arrays = [X, Y, y] if w is None else [X, Y, y, w]
        seed = int(self.network_.rng.integers(np.iinfo(np.int32).max))
        try:
            parts = train_test_split(*arrays, test_size=self.validation_fraction,
                                     random_state=seed, stratify=stratify)
        except ValueError:         # a stratified split needs a row of every class on each side
            parts = train_test_split(*arrays, test_size=self.validation_fraction,
                                     random_state=seed)
        train, val = parts[0::2], parts[1::2]
        if val[0].shape[0] < 2:
            raise ValueError("The validation set is too small. Increase 'validation_fraction' or "
                             "the size of your dataset.")
        w_train, w_val = (None, None) if w is None else (train[3], val[3])
        for part, what in ((w_train, "training"), (w_val, "validation")):
            if part is not None and not part.sum() > 0:
                raise ValueError(f"early_stopping: every {what} row of the split has sample_weight "
                                 "0, so its loss is undefined; give more rows a positive weight")
        return train[0], train[1], train[2], w_train, (val[0], val[2], w_val)

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is going to "
                          "be clipped")
        return int(min(self.batch_size, n_samples))

    def to_onnx(self, path):
        """Write the fitted estimator as an ONNX file: input ``X``, outputs as ``predict`` and
        ``predict_proba`` (``pip install neuronet[onnx]``); see :mod:`neuronet.onnx_sklearn`."""
        from .onnx_export import to_onnx
        return to_onnx(self, path)

    # ----------------------------------------------------------------------------------------------
    # Prediction
    def _forward(self, X):
        """The network's outputs for validated ``X``: ``(n_samples, n_outputs_)``."""
        check_is_fitted(self)
        _refuse_sparse(self, X)
        X = validate_data(self, X, reset=False, dtype=self.network_.dtype)
        return self.network_.predict(X)


class _WriteThroughList(list):
    """The list ``coefs_`` / ``intercepts_`` return: assigning an item copies into the network."""

    def __init__(self, name, arrays):
        super().__init__(arrays)
        self._name = name

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            raise TypeError(f"{self._name}[a:b] = ... is not supported; assign one layer at a time "
                            f"or the whole list ({self._name} = [...])")
        self[index][...] = self._checked(index, value)

    def _checked(self, index, value):
        """``value`` as layer ``index``'s array: same shape, cast to its dtype, finite there."""
        target = self[index]
        value = np.asarray(value)
        if value.shape != target.shape:
            raise ValueError(f"{self._name}[{index}] has shape {target.shape}; cannot assign an "
                             f"array of shape {value.shape} (the network's shapes are fixed: fit "
                             "afresh to change them)")
        with np.errstate(over="ignore", invalid="ignore"):
            cast = value.astype(target.dtype)
        if not np.all(np.isfinite(cast)):
            raise ValueError(f"{self._name}[{index}]: the new values contain NaN or infinity, or "
                             f"values too large for {target.dtype.name}")
        return cast

    def assign_all(self, arrays):
        """Assign every layer's array, all checked before any is written."""
        arrays = list(arrays)
        if len(arrays) != len(self):
            raise ValueError(f"{self._name} needs {len(self)} arrays, one per layer; got {len(arrays)}")
        checked = [self._checked(index, value) for index, value in enumerate(arrays)]
        for target, value in zip(self, checked):
            target[...] = value


def dtype_name(dtype):
    """``"float64"``, ``"float32"`` or ``None`` for the ``dtype`` parameter (a str or numpy dtype)."""
    return None if dtype is None else np.dtype(dtype).name


def _refuse_sparse(estimator, X):
    if hasattr(X, "tocsr") and hasattr(X, "nnz"):  # scipy.sparse, without importing scipy here
        raise TypeError(f"{type(estimator).__name__} needs dense X, got a scipy sparse matrix "
                        f"{X.shape}: call X.toarray(), or in a ColumnTransformer set "
                        "sparse_threshold=0 (or OneHotEncoder(sparse_output=False)) so it "
                        "returns dense arrays")


def _check_sample_weight(sample_weight, n_samples, dtype):
    """The core's check, with scikit-learn's wording for the all-zero case (users grep for it)."""
    if sample_weight is not None and not isinstance(sample_weight, numbers.Number):
        values = np.asarray(sample_weight)
        if values.dtype.kind in "fiub" and values.shape == (n_samples,) and not values.any():
            raise ValueError("sample_weight: every weight is zero; at least one sample needs a "
                             "non-zero weight")
    return check_sample_weight(sample_weight, n_samples, dtype)


def _seed(random_state):
    """An int or None for ``Network(seed=...)``; a RandomState or Generator gives a fresh int draw."""
    if random_state is None or isinstance(random_state, numbers.Integral):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    return int(random_state.integers(np.iinfo(np.int32).max))
