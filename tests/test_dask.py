"""Beyond one machine: neuronet estimators trained through a real Dask cluster (2 worker processes).

- out-of-core training with dask_ml.wrappers.Incremental, which calls partial_fit block by block;
- a GridSearchCV whose fits run on the workers through joblib's Dask backend.

The cluster listens on the loopback interface only.
"""
import numpy as np
import pytest

pytest.importorskip("sklearn")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("dask.distributed")
pytest.importorskip("dask_ml")
import joblib  # noqa: E402
from dask_ml.wrappers import Incremental  # noqa: E402
from sklearn.datasets import load_digits, make_regression  # noqa: E402
from sklearn.metrics import mean_squared_error, r2_score  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from neuronet.dask import partial_fit_blocks  # noqa: E402
from neuronet.sklearn import NeuronetClassifier, NeuronetRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ROWS_PER_BLOCK = 300


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        workers = client.scheduler_info()["workers"]
        assert len(workers) == 2 and all(a.startswith("tcp://127.0.0.1:") for a in workers)
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def _ran_on_workers(stream, client, name):
    """The worker addresses that ran tasks whose key mentions ``name``."""
    workers = {task["worker"] for task in stream.data if name in str(task["key"])}
    assert workers <= set(client.scheduler_info()["workers"])
    return workers


def test_incremental_trains_block_by_block_on_the_workers(client, digits):
    X, y = digits
    Xd = da.from_array(X, chunks=(ROWS_PER_BLOCK, X.shape[1]))
    yd = da.from_array(y, chunks=ROWS_PER_BLOCK)
    n_blocks = Xd.numblocks[0]
    estimator = NeuronetClassifier((32,), learning_rate_init=0.01, random_state=0)
    inc = Incremental(estimator, scoring="accuracy", shuffle_blocks=False)
    with distributed.get_task_stream(client) as stream:
        inc.fit(Xd, yd, classes=np.arange(10))
        for _ in range(3):                       # more passes over the data
            inc.partial_fit(Xd, yd, classes=np.arange(10))
    assert _ran_on_workers(stream, client, "fit-")         # dask-ml's chain of partial_fit tasks
    fitted = inc.estimator_
    assert fitted.t_ == 4 * len(y) and len(fitted.loss_curve_) == 4 * n_blocks
    assert not hasattr(estimator, "network_")            # Incremental trained a clone

    # The same partial_fit calls, in this process on NumPy blocks, give the same network:
    # nothing was lost on the way to and from the workers (pickled each time).
    local = NeuronetClassifier((32,), learning_rate_init=0.01, random_state=0)
    for _ in range(4):
        for start in range(0, len(y), ROWS_PER_BLOCK):
            block = slice(start, start + ROWS_PER_BLOCK)
            local.partial_fit(X[block], y[block], classes=np.arange(10))
    np.testing.assert_array_equal(fitted.network_.parameters, local.network_.parameters)

    predicted = inc.predict(Xd)
    assert isinstance(predicted, da.Array)
    np.testing.assert_array_equal(predicted.compute(), local.predict(X))
    assert inc.predict_proba(Xd).compute().shape == (len(y), 10)
    assert inc.score(Xd, yd) > 0.9


def test_incremental_regressor(client):
    X, y = make_regression(n_samples=600, n_features=6, noise=1.0, random_state=0)
    y = y / y.std()
    Xd, yd = da.from_array(X, chunks=(150, 6)), da.from_array(y, chunks=150)
    # Incremental's default regressor score, dask_ml.metrics.r2_score, fails on dask >= 2025.2
    # ("cannot broadcast shape (nan,)", dask/dask-ml#1012, fixed after dask-ml 2025.1.0): use
    # another scorer, or R^2 on the computed predictions.
    inc = Incremental(NeuronetRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01,
                                        random_state=0), scoring="neg_mean_squared_error",
                      shuffle_blocks=True, random_state=0)
    for _ in range(10):
        inc.partial_fit(Xd, yd)
    predicted = inc.predict(Xd).compute()
    assert inc.estimator_.t_ == 6000 and predicted.shape == (600,)
    assert r2_score(y, predicted) > 0.9
    assert -inc.score(Xd, yd) == pytest.approx(mean_squared_error(y, predicted))


def test_incremental_refuses_2d_y_which_partial_fit_blocks_handles(client):
    """dask-ml 2025.1.0 addresses y's blocks as (name, i): a 2-D y's blocks are (name, i, 0), so
    partial_fit receives the key tuple itself. neuronet.dask.partial_fit_blocks does the same chain
    of partial_fit tasks with 2-D targets and per-block sample weights."""
    X, y = make_regression(n_samples=600, n_features=6, n_targets=2, noise=1.0, random_state=0)
    y = y / y.std(axis=0)
    w = np.random.default_rng(0).integers(1, 3, size=600).astype(float)
    Xd, yd = da.from_array(X, chunks=(150, 6)), da.from_array(y, chunks=(150, 2))
    wd = da.from_array(w, chunks=100)                 # re-chunked to X's rows by the adapter
    regressor = NeuronetRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01, random_state=0)
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[150, 2\]"):
        Incremental(regressor, shuffle_blocks=False).fit(Xd, yd)

    with distributed.get_task_stream(client) as stream:
        trained = partial_fit_blocks(regressor, Xd, yd, sample_weight=wd, epochs=10, random_state=0)
    assert _ran_on_workers(stream, client, "_partial_fit_block")
    assert not hasattr(regressor, "network_") and trained.t_ == 6000
    assert trained.predict(X).shape == (600, 2) and trained.score(X, y) > 0.9

    local = NeuronetRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01, random_state=0)
    order = np.random.RandomState(0)
    for _ in range(10):
        for i in order.permutation(4):
            rows = slice(150 * i, 150 * (i + 1))
            local.partial_fit(X[rows], y[rows], sample_weight=w[rows])
    np.testing.assert_array_equal(trained.network_.parameters, local.network_.parameters)


def test_grid_search_spread_over_the_cluster_with_joblib(client, digits):
    X, y = digits
    pipe = Pipeline([("scale", StandardScaler()),
                     ("net", NeuronetClassifier(max_iter=20, random_state=0))])
    grid = {"net__hidden_layer_sizes": [(16,), (32,)], "net__learning_rate_init": [1e-3, 1e-2]}
    search = GridSearchCV(pipe, grid, cv=3)
    with distributed.get_task_stream(client) as stream, joblib.parallel_backend("dask"):
        search.fit(X, y)
    workers = {task["worker"] for task in stream.data}
    assert len(workers) == 2                       # both worker processes fitted candidates
    assert search.best_score_ > 0.9
    # the same search in this process scores every candidate identically
    local = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"],
                               local.cv_results_["mean_test_score"], rtol=0, atol=0)
    assert search.best_params_ == local.best_params_
