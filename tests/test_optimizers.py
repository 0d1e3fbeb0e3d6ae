"""Optimizer updates re-derived from their formulas, and one training step worked out by hand."""
import math

import numpy as np
import pytest

import neuronet as nn

GRADS = [np.array([0.5, -1.0, 2.0]), np.array([0.1, 0.0, -3.0]), np.array([-0.4, 0.7, 1.0])]
START = np.array([1.0, -2.0, 0.5])


def run(optimizer):
    params, grads = START.copy(), np.zeros(3)
    optimizer.bind(params, grads)
    trajectory = []
    for g in GRADS:
        grads[...] = g
        optimizer.step()
        trajectory.append(params.copy())
    return trajectory


def test_plain_sgd():
    lr = 0.1
    expected, p = [], START.copy()
    for g in GRADS:
        p = p - lr * g
        expected.append(p)
    np.testing.assert_allclose(run(nn.SGD(learning_rate=lr)), expected, rtol=1e-15)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_with_momentum(nesterov):
    lr, mu = 0.1, 0.9
    expected, p, v = [], START.copy(), np.zeros(3)
    for g in GRADS:
        v = mu * v + g
        p = p - lr * ((g + mu * v) if nesterov else v)
        expected.append(p)
    np.testing.assert_allclose(run(nn.SGD(lr, momentum=mu, nesterov=nesterov)), expected,
                               rtol=1e-14)


def test_adam_algorithm_1_elementwise():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    expected = []
    p = START.tolist()
    m, v = [0.0] * 3, [0.0] * 3
    for t, g in enumerate(GRADS, start=1):
        for i in range(3):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            m_hat = m[i] / (1 - b1 ** t)
            v_hat = v[i] / (1 - b2 ** t)
            p[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)
        expected.append(list(p))
    np.testing.assert_allclose(run(nn.Adam(learning_rate=lr)), expected, rtol=1e-12)


def test_adam_first_step_moves_every_weight_by_the_learning_rate():
    # with m_hat = g and v_hat = g^2 the first step is lr * sign(g)
    trajectory = run(nn.Adam(learning_rate=0.01))
    np.testing.assert_allclose(trajectory[0] - START, -0.01 * np.sign(GRADS[0]), rtol=1e-6)


def test_optimizer_belongs_to_one_network():
    opt = nn.SGD(0.1)
    nn.Network([nn.Dense(2, 1)], optimizer=opt)
    with pytest.raises(ValueError, match="another network"):
        nn.Network([nn.Dense(2, 1)], optimizer=opt)


@pytest.mark.parametrize("make,match", [
    (lambda: nn.SGD(learning_rate=0), "learning_rate"),
    (lambda: nn.SGD(learning_rate=-1), "learning_rate"),
    (lambda: nn.SGD(0.1, momentum=1.5), "momentum"),
    (lambda: nn.SGD(0.1, nesterov=True), "nesterov"),
    (lambda: nn.Adam(beta1=1.0), "beta1"),
    (lambda: nn.Adam(epsilon=0), "epsilon"),
    (lambda: nn.Adam(weight_decay=-0.1), "weight_decay"),
    (lambda: nn.Adam(learning_rate=float("nan")), "learning_rate"),
])
def test_bad_optimizer_settings(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_one_training_step_worked_by_hand():
    """A 2-2-1 network, one sample, one SGD step, every number derived below with scalars."""
    net = nn.Network([nn.Dense(2, 2, activation="relu"), nn.Dense(2, 1, activation="sigmoid")],
                     loss="sse", optimizer=nn.SGD(learning_rate=0.5))
    net.layers[0].weights = [[0.5, -0.3], [0.25, 0.8]]
    net.layers[0].bias = [0.1, -0.2]
    net.layers[1].weights = [[1.5], [-1.0]]
    net.layers[1].bias = [0.05]
    x1, x2, target = 1.0, 2.0, 1.0

    # forward
    z1 = 0.5 * x1 + 0.25 * x2 + 0.1          # 1.1
    z2 = -0.3 * x1 + 0.8 * x2 - 0.2          # 1.1
    h1, h2 = max(z1, 0.0), max(z2, 0.0)      # both positive: ReLU passes them
    z = 1.5 * h1 - 1.0 * h2 + 0.05           # 0.6
    a = 1.0 / (1.0 + math.exp(-z))           # sigmoid(0.6) = 0.6456563...
    # backward: L = 1/2 (a - target)^2
    dL_da = a - target
    dL_dz = dL_da * a * (1 - a)
    dL_dv1, dL_dv2, dL_dc = dL_dz * h1, dL_dz * h2, dL_dz     # output weights and bias
    dL_dh1, dL_dh2 = dL_dz * 1.5, dL_dz * -1.0
    dL_dz1, dL_dz2 = dL_dh1 * 1.0, dL_dh2 * 1.0               # ReLU slope 1 where z > 0
    dL_dW = [[dL_dz1 * x1, dL_dz2 * x1], [dL_dz1 * x2, dL_dz2 * x2]]
    dL_db = [dL_dz1, dL_dz2]

    loss = net.train_step(*net.prepare([[x1, x2]], [target]))
    assert loss == pytest.approx(0.5 * (a - target) ** 2, rel=1e-14)
    assert a == pytest.approx(0.6456563062257954, rel=1e-14)
    np.testing.assert_allclose(net.layers[1].weights, [[1.5 - 0.5 * dL_dv1], [-1.0 - 0.5 * dL_dv2]],
                               rtol=1e-14)
    np.testing.assert_allclose(net.layers[1].bias, [0.05 - 0.5 * dL_dc], rtol=1e-14)
    np.testing.assert_allclose(net.layers[0].weights,
                               np.array([[0.5, -0.3], [0.25, 0.8]]) - 0.5 * np.array(dL_dW),
                               rtol=1e-14)
    np.testing.assert_allclose(net.layers[0].bias, np.array([0.1, -0.2]) - 0.5 * np.array(dL_db),
                               rtol=1e-14)


def test_an_adam_pickled_with_the_old_moment_names_still_steps():
    """Networks pickled before _m/_v were renamed _m_scaled/_v_scaled unpickle and train on."""
    import pickle

    X, y = np.random.default_rng(0).normal(size=(8, 2)), np.arange(8.0)
    net = nn.Network([nn.Dense(2, 1)], optimizer=nn.Adam(0.01), seed=0).fit(X, y, epochs=3)
    twin = pickle.loads(pickle.dumps(net))
    state = dict(twin.optimizer.__dict__)
    state["_m"], state["_v"] = state.pop("_m_scaled"), state.pop("_v_scaled")   # the old names
    old = nn.Adam.__new__(nn.Adam)
    old.__setstate__(state)
    twin.optimizer = old
    np.testing.assert_array_equal(old._m_scaled, net.optimizer._m_scaled)
    net.fit(X, y, epochs=2)
    twin.fit(X, y, epochs=2)
    np.testing.assert_array_equal(twin.parameters, net.parameters)
