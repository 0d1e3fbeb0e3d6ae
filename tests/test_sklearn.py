"""NeuronetClassifier / NeuronetRegressor in scikit-learn's world: pipelines, search, pickle, weights."""
import inspect
import logging
import math
import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits, load_iris, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight  # noqa: E402

import neuronet as nn  # noqa: E402
from neuronet.sklearn import NeuronetClassifier, NeuronetRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def digits():
    return load_digits(return_X_y=True)


# --------------------------------------------------------------------------------------------------
# scikit-learn's tools
def test_pipeline_and_grid_search_on_digits(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y)
    pipe = Pipeline([("scale", StandardScaler()),
                     ("net", NeuronetClassifier(max_iter=20, random_state=0))])
    grid = GridSearchCV(pipe, {"net__hidden_layer_sizes": [(16,), (48,)],
                               "net__learning_rate_init": [1e-3, 1e-2]}, cv=3)
    grid.fit(X_train, y_train)
    assert set(grid.best_params_) == {"net__hidden_layer_sizes", "net__learning_rate_init"}
    assert grid.best_score_ > 0.93
    assert grid.score(X_test, y_test) > 0.95
    net = grid.best_estimator_.named_steps["net"]
    assert isinstance(net.network_, nn.Network) and net.n_features_in_ == 64


def test_cross_val_score(iris):
    X, y = iris
    scores = cross_val_score(NeuronetClassifier((16,), learning_rate_init=0.01, max_iter=100,
                                                random_state=0), X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8


def test_pickle_round_trip_gives_identical_predictions_and_keeps_training(iris):
    X, y = iris
    clf = NeuronetClassifier((8,), max_iter=20, random_state=0).fit(X, y)
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(copy.predict(X), clf.predict(X))
    # pickle copies the layers' views: after unpickling they must be views into the flat vector
    # again, or partial_fit (e.g. after a trip to a Dask worker) would train nothing
    for layer in copy.network_.layers:
        assert np.shares_memory(layer.weights, copy.network_.parameters)
    before = copy.predict_proba(X)
    copy.partial_fit(X, y)
    clf.partial_fit(X, y)
    assert not np.array_equal(copy.predict_proba(X), before)
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))


def test_clone_copies_parameters_not_the_fit(iris):
    X, y = iris
    clf = NeuronetClassifier((7, 5), activation=["tanh", "relu"], dropout=[0.1, 0.0], alpha=0.01,
                             class_weight="balanced", dtype="float32", random_state=3).fit(X, y)
    twin = clone(clf)
    assert twin.get_params() == clf.get_params()
    assert not hasattr(twin, "network_")
    with pytest.raises(NotFittedError):
        twin.predict(X)


def test_fit_is_repeatable_with_a_seed(iris):
    X, y = iris
    a = NeuronetClassifier((8,), max_iter=10, random_state=1).fit(X, y).predict_proba(X)
    b = NeuronetClassifier((8,), max_iter=10, random_state=1).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------------------------------
# partial_fit
def test_partial_fit_needs_classes_first_and_learns_over_batches(iris):
    X, y = iris
    clf = NeuronetClassifier((16,), learning_rate_init=0.01, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call to partial_fit"):
        clf.partial_fit(X[:10], y[:10])
    order = np.random.default_rng(0).permutation(len(y))
    first = order[:30]
    clf.partial_fit(X[first], y[first], classes=[0, 1, 2])
    assert clf.n_iter_ == 1 and clf.t_ == 30 and len(clf.loss_curve_) == 1
    before = clf.score(X, y)
    for epoch in range(20):
        for chunk in np.array_split(order, 5):
            clf.partial_fit(X[chunk], y[chunk])
    assert len(clf.loss_curve_) == 101 and clf.t_ == 30 + 20 * 150
    assert clf.score(X, y) > max(before, 0.9)
    with pytest.raises(ValueError, match="is not the same as on last call"):
        clf.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="classes not in"):
        clf.partial_fit(X[:3], [0, 1, 7])
    with pytest.raises(ValueError, match="X has 3 features, but NeuronetClassifier is expecting 4"):
        clf.partial_fit(X[:, :3], y)


def test_partial_fit_one_class_per_batch_and_regressor(iris):
    X, y = iris
    clf = NeuronetClassifier((8,), random_state=0)
    clf.partial_fit(X[y == 0], y[y == 0], classes=np.array([0, 1, 2]))
    clf.partial_fit(X[y == 1], y[y == 1])
    assert clf.predict_proba(X).shape == (150, 3)
    reg = NeuronetRegressor(hidden_layer_sizes=(8,), random_state=0)
    reg.partial_fit(X[:, :3], X[:, 3]).partial_fit(X[:, :3], X[:, 3])
    assert reg.n_iter_ == 1 and len(reg.loss_curve_) == 2 and reg.loss_curve_[1] < reg.loss_curve_[0]


def test_partial_fit_refuses_early_stopping_and_balanced_weights(iris):
    X, y = iris
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        NeuronetClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="'balanced' is not supported by partial_fit"):
        NeuronetClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])


# --------------------------------------------------------------------------------------------------
# Weights
def test_sample_weight_pulls_predictions_towards_the_heavy_class(iris):
    X, y = iris
    X2, y2 = X[50:], y[50:]                       # versicolor vs virginica: they overlap
    plain = NeuronetClassifier((8,), max_iter=150, random_state=0).fit(X2, y2)
    w = np.where(y2 == 1, 20.0, 1.0)
    heavy = NeuronetClassifier((8,), max_iter=150, random_state=0).fit(X2, y2, sample_weight=w)
    assert (heavy.predict(X2) == 1).sum() > (plain.predict(X2) == 1).sum()
    assert heavy.predict_proba(X2)[:, 0].mean() > plain.predict_proba(X2)[:, 0].mean()


def test_integer_sample_weight_equals_repeating_rows(iris):
    X, y = iris
    w = np.random.default_rng(0).integers(0, 3, size=len(y))
    kw = dict(hidden_layer_sizes=(6,), max_iter=30, random_state=0)   # one full batch per epoch
    weighted = NeuronetClassifier(**kw).fit(X, y, sample_weight=w)
    repeated = NeuronetClassifier(**kw).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-9)


def test_class_weight_balanced_is_compute_sample_weight(iris):
    X, y = iris
    keep = np.r_[0:50, 50:70, 100:150]             # class 1 is rare
    X, y = X[keep], y[keep]
    kw = dict(hidden_layer_sizes=(6,), max_iter=40, random_state=0)
    balanced = NeuronetClassifier(class_weight="balanced", **kw).fit(X, y)
    explicit = NeuronetClassifier(**kw).fit(X, y, sample_weight=compute_sample_weight("balanced", y))
    np.testing.assert_allclose(balanced.predict_proba(X), explicit.predict_proba(X), rtol=1e-9)
    plain = NeuronetClassifier(**kw).fit(X, y)
    assert not np.allclose(plain.predict_proba(X), balanced.predict_proba(X))


def test_class_weight_dict_raises_recall_of_the_weighted_class(iris):
    X, y = iris
    X2, y2 = X[50:], np.where(y[50:] == 1, "versicolor", "virginica")
    kw = dict(hidden_layer_sizes=(8,), max_iter=100, random_state=0)
    plain = NeuronetClassifier(**kw).fit(X2, y2)
    weighted = NeuronetClassifier(class_weight={"virginica": 10.0}, **kw).fit(X2, y2)
    recall = lambda clf: (clf.predict(X2)[y2 == "virginica"] == "virginica").mean()  # noqa: E731
    assert recall(weighted) > recall(plain)
    with pytest.raises(ValueError):
        NeuronetClassifier(class_weight={"setosa": 2.0}, **kw).fit(X2, y2)


# --------------------------------------------------------------------------------------------------
# dtype
def test_float32_end_to_end(iris):
    X, y = iris
    clf = NeuronetClassifier((8,), max_iter=20, dtype="float32", random_state=0).fit(X, y)
    assert clf.network_.parameters.dtype == np.float32
    assert all(c.dtype == np.float32 for c in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X).dtype == np.float32
    assert all(isinstance(v, float) for v in clf.loss_curve_)
    reg = NeuronetRegressor(hidden_layer_sizes=(8,), max_iter=20, dtype=None, random_state=0)
    reg.fit(X[:, :3].astype(np.float32), X[:, 3].astype(np.float32))   # dtype=None follows X
    assert reg.network_.dtype == np.float32 and reg.predict(X[:, :3]).dtype == np.float32
    reg64 = NeuronetRegressor(hidden_layer_sizes=(8,), max_iter=2, dtype=None, random_state=0)
    reg64.fit(X[:, :3], X[:, 3])
    assert reg64.network_.dtype == np.float64


def test_coefs_are_views_of_the_network(iris):
    X, y = iris
    clf = NeuronetClassifier((5, 4), max_iter=3, random_state=0).fit(X, y)
    assert [c.shape for c in clf.coefs_] == [(4, 5), (5, 4), (4, 3)]
    assert [b.shape for b in clf.intercepts_] == [(5,), (4,), (3,)]
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 3 and clf.out_activation_ == "softmax"
    clf.coefs_[-1][...] = 0.0
    clf.intercepts_[-1][...] = 0.0
    np.testing.assert_allclose(clf.predict_proba(X), 1 / 3)



def test_assigning_coefs_and_intercepts_changes_the_network_like_mlp(iris):
    X, y = iris
    clf = NeuronetClassifier((5,), max_iter=3, random_state=0).fit(X, y)
    mlp_style = MLPClassifier((5,), max_iter=3, random_state=0).fit(X, y)
    clf.coefs_[1] = np.zeros((5, 3))               # item assignment, as MLP code does it
    clf.intercepts_ = [np.zeros(5), np.array([0.0, 0.0, 0.0])]
    np.testing.assert_allclose(clf.predict_proba(X), 1 / 3)
    clf.coefs_ = mlp_style.coefs_                  # transplant weights from an MLPClassifier
    clf.intercepts_ = mlp_style.intercepts_
    np.testing.assert_allclose(clf.predict_proba(X), mlp_style.predict_proba(X), rtol=1e-12)
    with pytest.raises(ValueError, match=r"coefs_\[0\] has shape \(4, 5\); cannot assign .* \(5, 4\)"):
        clf.coefs_[0] = np.zeros((5, 4))
    with pytest.raises(ValueError, match="intercepts_ needs 2 arrays, one per layer; got 1"):
        clf.intercepts_ = [np.zeros(5)]
    with pytest.raises(ValueError, match="NaN or infinity"):
        clf.coefs_[1] = np.full((5, 3), np.nan)


def test_balanced_class_weight_counts_sample_weights_like_sklearn(iris):
    X, y = iris
    w = np.where(y == 0, 3.0, 1.0)
    kw = dict(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    balanced = NeuronetClassifier(class_weight="balanced", **kw).fit(X, y, sample_weight=w)
    per_class = compute_class_weight("balanced", classes=np.unique(y), y=y, sample_weight=w)
    explicit = NeuronetClassifier(**kw).fit(X, y, sample_weight=w * per_class[y])
    np.testing.assert_allclose(balanced.predict_proba(X), explicit.predict_proba(X), rtol=1e-9)


@pytest.mark.parametrize("dtype", [np.dtype("float32"), np.float32, "float32"])
def test_dtype_accepts_numpy_spellings(iris, dtype):
    X, y = iris
    clf = NeuronetClassifier((4,), max_iter=2, dtype=dtype, random_state=0).fit(X, y)
    assert clf.network_.dtype == np.float32 and clf.predict_proba(X).dtype == np.float32

# --------------------------------------------------------------------------------------------------
# MLPClassifier compatibility
def test_every_mlp_parameter_exists_with_the_same_default():
    for ours, theirs in ((NeuronetClassifier, MLPClassifier), (NeuronetRegressor, MLPRegressor)):
        our_params, their_params = ours().get_params(), theirs().get_params()
        for name, default in their_params.items():
            assert name in our_params, name
            assert our_params[name] == default, (name, our_params[name], default)
        assert set(our_params) - set(their_params) <= {"dropout", "class_weight", "dtype"}
    for ours, theirs in ((NeuronetClassifier, MLPClassifier), (NeuronetRegressor, MLPRegressor)):
        assert _positional(ours) == _positional(theirs)          # same order of positional args


def _positional(cls):
    return [p.name for p in inspect.signature(cls).parameters.values()
            if p.kind is p.POSITIONAL_OR_KEYWORD]


@pytest.mark.parametrize("kwargs", [
    dict(hidden_layer_sizes=(20,), activation="tanh", alpha=1e-3, batch_size=32,
         learning_rate_init=0.01, max_iter=60, random_state=0, n_iter_no_change=5, tol=1e-3),
    dict(hidden_layer_sizes=(20,), activation="logistic", solver="sgd", learning_rate="adaptive",
         learning_rate_init=0.1, momentum=0.8, nesterovs_momentum=False, max_iter=60, shuffle=False,
         random_state=0),
    dict(hidden_layer_sizes=(20,), early_stopping=True, validation_fraction=0.2, beta_1=0.8,
         beta_2=0.99, epsilon=1e-7, learning_rate_init=0.01, max_iter=60, random_state=0),
])
def test_same_kwargs_build_both_and_both_learn(iris, kwargs):
    X, y = iris
    theirs = MLPClassifier(**kwargs).fit(X, y)
    ours = NeuronetClassifier(**kwargs).fit(X, y)
    assert ours.score(X, y) > 0.85 and theirs.score(X, y) > 0.85
    assert ours.n_iter_ <= kwargs["max_iter"] and len(ours.loss_curve_) == ours.n_iter_


def assert_same_step(ours, theirs, X, y):
    """Give MLP our weights, take one partial_fit step in both: the weights must stay equal."""
    theirs.coefs_ = [c.copy() for c in ours.coefs_]
    theirs.intercepts_ = [b.copy() for b in ours.intercepts_]
    ours.partial_fit(X, y)
    theirs.partial_fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_one_sgd_step_equals_mlp_regressor_with_alpha():
    """Same start, one full-batch SGD step: identical weights, so the alpha mapping is exact."""
    X, y = make_regression(n_samples=40, n_features=5, n_targets=2, random_state=0)
    y = y / y.std()
    kw = dict(hidden_layer_sizes=(7,), activation="tanh", solver="sgd", learning_rate_init=0.05,
              momentum=0.0, alpha=0.3, batch_size=20, shuffle=False, max_iter=1, random_state=0)
    ours = NeuronetRegressor(**kw).fit(X, y)
    theirs = MLPRegressor(**kw).fit(X, y)
    assert_same_step(ours, theirs, X, y)


def test_one_sgd_step_equals_mlp_classifier_with_alpha(iris):
    X, y = iris
    kw = dict(hidden_layer_sizes=(5,), solver="sgd", learning_rate_init=0.1, momentum=0.0,
              alpha=0.5, batch_size=150, max_iter=1, random_state=0)
    ours = NeuronetClassifier(**kw).fit(X, y)
    theirs = MLPClassifier(**kw).fit(X, y)
    assert_same_step(ours, theirs, X, y)
    assert ours.network_.optimizer.weight_decay == pytest.approx(0.5 / 150)


# --------------------------------------------------------------------------------------------------
# Convergence, early stopping, warm start, schedules
def test_stops_when_the_loss_stops_improving_like_mlp(iris):
    X, y = iris
    clf = NeuronetClassifier((8,), tol=10.0, n_iter_no_change=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == 5                     # improvement counted once, then 4 > 3 misses
    assert clf.best_loss_ == min(clf.loss_curve_) and clf.validation_scores_ is None
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
        NeuronetClassifier((8,), max_iter=3, random_state=0).fit(X, y)


@pytest.mark.parametrize("kwargs", [
    dict(tol=10.0, n_iter_no_change=1),
    dict(tol=10.0, n_iter_no_change=3, early_stopping=True),
    dict(solver="sgd", learning_rate="adaptive", tol=10.0, n_iter_no_change=2,
         learning_rate_init=0.01, max_iter=20),
])
def test_stopping_rule_and_schedule_match_mlp(iris, kwargs):
    X, y = iris
    theirs = MLPClassifier((8,), random_state=0, **kwargs).fit(X, y)
    ours = NeuronetClassifier((8,), random_state=0, **kwargs).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    if kwargs.get("solver") == "sgd":
        assert ours.network_.optimizer.learning_rate == pytest.approx(theirs._optimizer.learning_rate)


class _SpyClassifier(NeuronetClassifier):
    """Records the held-out rows the early-stopping rule scores."""

    def _validation_score(self, X, y, w):
        self.seen_validation_ = (X, y)
        return super()._validation_score(X, y, w)


def test_early_stopping_keeps_the_best_epoch(digits):
    X, y = digits
    X = StandardScaler().fit_transform(X)
    clf = _SpyClassifier((16,), early_stopping=True, validation_fraction=0.2, learning_rate_init=0.05,
                         n_iter_no_change=4, max_iter=100, random_state=0).fit(X, y)
    scores = clf.validation_scores_
    assert len(scores) == clf.n_iter_ < 100 and clf.best_loss_ is None
    assert clf.best_validation_score_ == max(scores)
    assert int(np.argmax(scores)) < len(scores) - 1          # the last epoch was not the best ...
    X_val, y_val = clf.seen_validation_
    assert len(y_val) == math.ceil(0.2 * len(y))                 # train_test_split's rounding
    assert clf.score(X_val, y_val) == pytest.approx(max(scores))   # ... yet its weights are kept


def test_warm_start_continues_and_checks_classes(iris):
    X, y = iris
    clf = NeuronetClassifier((8,), max_iter=5, warm_start=True, random_state=0).fit(X, y)
    first = clf.loss_curve_[:]
    net = clf.network_
    clf.fit(X, y)
    assert clf.network_ is net and clf.n_iter_ == 5 and clf.loss_curve_[:5] == first
    assert clf.loss_curve_[5] < first[0]
    with pytest.raises(ValueError, match="warm_start can only be used where `y` has the same classes"):
        clf.fit(X[y < 2], y[y < 2])
    cold = NeuronetClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    net = cold.network_
    assert cold.fit(X, y).network_ is not net and len(cold.loss_curve_) == 5


def test_invscaling_and_adaptive_schedules(iris):
    X, y = iris
    inv = NeuronetClassifier((8,), solver="sgd", learning_rate="invscaling", power_t=0.5,
                             learning_rate_init=0.5, max_iter=4, random_state=0).fit(X, y)
    assert inv.network_.optimizer.learning_rate == pytest.approx(0.5 / (inv.t_ + 1) ** 0.5)
    adaptive = NeuronetClassifier((8,), solver="sgd", learning_rate="adaptive", tol=10.0,
                                  n_iter_no_change=2, learning_rate_init=0.01, max_iter=20,
                                  random_state=0).fit(X, y)
    # every 3 epochs without improvement divide the step by 5, instead of stopping
    assert adaptive.n_iter_ == 20
    assert adaptive.network_.optimizer.learning_rate == pytest.approx(0.01 / 5 ** 6)


def test_verbose_logs_instead_of_printing(iris, caplog, capsys):
    X, y = iris
    with caplog.at_level(logging.INFO, logger="neuronet.sklearn"):
        NeuronetClassifier((4,), max_iter=2, verbose=True, random_state=0).fit(X, y)
    assert "Iteration 1, loss = " in caplog.text and "Iteration 2, loss = " in caplog.text
    assert capsys.readouterr().out == ""


# --------------------------------------------------------------------------------------------------
# Targets and layers
def test_string_labels_binary_and_multilabel(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = NeuronetClassifier((8,), learning_rate_init=0.01, max_iter=100, random_state=0).fit(X, names)
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    assert set(clf.predict(X)) <= set(clf.classes_) and clf.score(X, names) > 0.85
    binary = NeuronetClassifier((8,), learning_rate_init=0.01, max_iter=100,
                                random_state=0).fit(X, names == "setosa")
    assert binary.out_activation_ == "logistic" and binary.n_outputs_ == 1
    assert binary.predict_proba(X).shape == (150, 2) and binary.score(X, names == "setosa") > 0.95
    Y = np.column_stack([y == 0, y == 2, X[:, 0] > 0]).astype(int)
    multi = NeuronetClassifier((16,), learning_rate_init=0.01, max_iter=200, random_state=0).fit(X, Y)
    assert multi.predict(X).shape == (150, 3) and multi.predict_proba(X).shape == (150, 3)
    assert (multi.predict(X) == Y).mean() > 0.9
    online = NeuronetClassifier((16,), learning_rate_init=0.01, random_state=0)
    for _ in range(50):
        online.partial_fit(X, Y, classes=[0, 1, 2])
    assert list(online.classes_) == [0, 1, 2] and (online.predict(X) == Y).mean() > 0.9
    with pytest.raises(ValueError, match="class_weight is not supported for multilabel"):
        NeuronetClassifier(class_weight="balanced").fit(X, Y)


def test_multi_output_regression_and_dataframe_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = make_regression(n_samples=120, n_features=4, n_targets=2, noise=1.0, random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    reg = NeuronetRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=300, random_state=0)
    reg.fit(frame, y / y.std())
    assert list(reg.feature_names_in_) == ["a", "b", "c", "d"] and reg.n_outputs_ == 2
    assert reg.predict(frame).shape == (120, 2) and reg.score(frame, y / y.std()) > 0.9
    with pytest.warns(UserWarning, match="feature names"):
        reg.predict(X)


def test_per_layer_activations_and_dropout_build_the_network(iris):
    X, y = iris
    clf = NeuronetClassifier((6, 5), activation=["tanh", "leaky_relu"], dropout=[0.2, 0.0],
                             max_iter=2, random_state=0).fit(X, y)
    kinds = [(type(layer).__name__, getattr(layer, "rate", None),
              getattr(getattr(layer, "activation", None), "name", None))
             for layer in clf.network_.layers]
    assert kinds == [("Dense", None, "tanh"), ("Dropout", 0.2, None), ("Dense", None, "leaky_relu"),
                     ("Dense", None, "softmax")]


@pytest.mark.parametrize("params, message", [
    (dict(solver="lbfgs"), "solver='lbfgs' is not available"),
    (dict(hidden_layer_sizes=(4, 4), activation=["relu"]), "activation has 1 entries but there are 2"),
    (dict(activation="swish"), "unknown activation 'swish'"),
    (dict(dropout=1.0), r"dropout must be in \[0, 1\)"),
    (dict(hidden_layer_sizes=(4, 0)), "hidden_layer_sizes must hold positive integers"),
    (dict(alpha=-1.0), r"alpha must be in \[0, inf\)"),
    (dict(batch_size=0), "batch_size must be a positive integer"),
    (dict(learning_rate="cyclic"), "learning_rate must be one of"),
    (dict(dtype="float16"), "dtype must be 'float64', 'float32' or None"),
    (dict(class_weight="auto"), "class_weight must be None, 'balanced' or a dict"),
    (dict(class_weight={0: -1.0}), r"class_weight\[0\] must be a finite number >= 0, got -1.0"),
    (dict(class_weight={0: np.nan}), r"class_weight\[0\] must be a finite number >= 0, got nan"),
    (dict(learning_rate_init=np.inf), "learning_rate_init must be a finite number, got inf"),
    (dict(activation="softmax"), "'softmax' is an output activation, not one for hidden layers"),
    (dict(random_state=-1), r"random_state must be None, an int >= 0"),
    (dict(class_weight={0: 0, 1: 0, 2: 0}),
     r"class_weight gives every row of y weight 0 \(classes present: 0, 1, 2\)"),
])
def test_bad_parameters_name_themselves(iris, params, message):
    X, y = iris
    with pytest.raises(ValueError, match=message):
        NeuronetClassifier(**params).fit(X, y)


def test_an_early_stopping_split_that_cannot_be_stratified_is_a_plain_one_as_in_mlp(iris, digits):
    """MLPClassifier never stratifies more than two classes; neuronet does where it can."""
    X, y = iris                                         # 2 validation rows for 3 classes
    clf = NeuronetClassifier((4,), early_stopping=True, validation_fraction=0.01, max_iter=3,
                             random_state=0).fit(X, y)
    assert len(clf.validation_scores_) == 3
    X, y = digits
    keep = np.r_[np.flatnonzero(y != 9), np.flatnonzero(y == 9)[:1]]   # class 9: one row
    clf = NeuronetClassifier((8,), early_stopping=True, max_iter=3, random_state=0)
    assert clf.fit(X[keep] / 16, y[keep]).classes_.tolist() == list(range(10))


def test_class_weight_zero_for_a_whole_batch_is_named_and_partial_fit_skips_the_batch(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"class_weight gives every row of y weight 0 \(classes "
                                         r"present: 0, 1\): there is nothing to learn from"):
        NeuronetClassifier((4,), class_weight={0: 0, 1: 0, 2: 1}).fit(X[:100], y[:100])
    with pytest.raises(ValueError, match=r"^class_weight with sample_weight gives every row"):
        NeuronetClassifier((4,), class_weight={0: 0, 1: 1, 2: 1}).fit(
            X, y, sample_weight=(y == 0).astype(float))
    clf = NeuronetClassifier((4,), class_weight={0: 0, 1: 1, 2: 1}, random_state=0)
    clf.partial_fit(X[:50], y[:50], classes=[0, 1, 2])  # class 0 only: no step, but fitted
    before = clf.network_.parameters.copy()
    clf.partial_fit(X[:50], y[:50])
    np.testing.assert_array_equal(clf.network_.parameters, before)
    clf.partial_fit(X[50:], y[50:])
    assert not np.array_equal(clf.network_.parameters, before)


def test_labels_in_messages_are_plain_values_not_numpy_reprs(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"holds only one class: 0$"):
        NeuronetClassifier().fit(X[:10], y[:10])
    with pytest.raises(ValueError, match=r"only one class \(2\) has samples"):
        NeuronetClassifier().fit(X, y, sample_weight=(y == 2).astype(float))


def test_float32_targets_too_large_and_divergence_name_the_estimators_terms():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)), np.full(20, 1e39)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # no overflow warning on the way
        with pytest.raises(ValueError, match=r"y holds values too large for float32"):
            NeuronetRegressor(hidden_layer_sizes=(4,), dtype="float32").fit(X, y)
    with pytest.raises(nn.TrainingDiverged, match=r"Try a smaller learning_rate_init \(now 1\)"):
        NeuronetRegressor(hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=1.0,
                          random_state=0).fit(X * 1000, rng.normal(size=20) * 1e6)


def test_regressor_loss_is_first_like_mlp_regressor(iris):
    X, y = iris
    with pytest.raises(ValueError, match="hidden layer sizes go in hidden_layer_sizes="):
        NeuronetRegressor((8,)).fit(X, y)
    with pytest.raises(ValueError, match="'poisson' is not available"):
        NeuronetRegressor("poisson").fit(X, y)


def test_errors_users_of_sklearn_expect(iris):
    X, y = iris
    with pytest.raises(NotFittedError):
        NeuronetClassifier().predict(X)
    clf = NeuronetClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but NeuronetClassifier is expecting 4"):
        clf.predict(X[:, :2])
    with pytest.raises(ValueError, match="one class"):
        NeuronetClassifier().fit(X[:10], y[:10])
    with pytest.raises(ValueError, match="Unknown label type"):
        NeuronetClassifier().fit(X, X[:, 0])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        NeuronetRegressor().fit(np.full((3, 2), np.nan), [1.0, 2.0, 3.0])


def test_mistakes_name_the_argument_at_fault(iris):
    X, y = iris
    with pytest.raises(TypeError, match=r"class_weight\[0\] must be a number, got '2'"):
        NeuronetClassifier(class_weight={0: "2"}).fit(X, y)
    with pytest.raises(ValueError, match="y must hold numbers for a regressor, got text such as '1.5'"):
        NeuronetRegressor().fit(X, np.array(["1.5"] * len(y)))
    indicators = np.eye(4, dtype=int)[np.arange(len(y)) % 4]
    with pytest.raises(ValueError, match=r"classes=array\(\[0, 1\]\) does not match y: .* column indices"):
        NeuronetClassifier().partial_fit(X, indicators, classes=[0, 1])
    assert NeuronetClassifier(max_iter=1).partial_fit(X, indicators, classes=range(4)).classes_.tolist() == [0, 1, 2, 3]


def test_sparse_input_is_refused_with_the_dense_fix(iris):
    sparse = pytest.importorskip("scipy.sparse")
    X, y = iris
    with pytest.raises(TypeError, match=r"needs dense X, got a scipy sparse matrix \(150, 4\): call "
                                        r"X.toarray\(\), or in a ColumnTransformer set sparse_threshold=0"):
        NeuronetClassifier().fit(sparse.csr_matrix(X), y)
    clf = NeuronetClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(TypeError, match="needs dense X"):
        clf.predict(sparse.csr_matrix(X))


def test_a_dtype_change_that_warm_start_cannot_apply_is_said(iris):
    X, y = iris
    clf = NeuronetClassifier((4,), max_iter=2, warm_start=True, random_state=0).fit(X, y)
    clf.set_params(dtype="float32")
    with pytest.warns(UserWarning, match="dtype='float32' is not applied: training continues the "
                                         "fitted float64 network"):
        clf.fit(X, y)
    assert clf.network_.dtype == np.float64
    clf.set_params(warm_start=False)
    assert clf.fit(X, y).network_.dtype == np.float32


def test_assigning_weights_is_all_or_nothing_and_checked_in_the_networks_dtype(iris):
    X, y = iris
    clf = NeuronetClassifier((5,), max_iter=2, random_state=0).fit(X, y)
    before = [w.copy() for w in clf.coefs_]
    with pytest.raises(ValueError, match=r"coefs_\[1\] has shape \(5, 3\)"):
        clf.coefs_ = [np.zeros((4, 5)), np.zeros((3, 3))]
    assert all(np.array_equal(a, b) for a, b in zip(clf.coefs_, before))   # layer 0 untouched
    c32 = NeuronetClassifier((5,), max_iter=2, dtype="float32", random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="values too large for float32"):
        c32.coefs_[0] = np.full((4, 5), 1e39)
    assert np.isfinite(c32.coefs_[0]).all()
