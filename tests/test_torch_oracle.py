"""PyTorch (CPU, float64) as an outside oracle: same network, same data, same gradients and trajectory."""
import numpy as np
import pytest

import neuronet as nn

torch = pytest.importorskip("torch")
F = torch.nn.functional


def make_pair(loss="categorical_crossentropy", optimizer=None, seed=0):
    net = nn.Network([nn.Dense(5, 8, activation="tanh"), nn.Dense(8, 6, activation="relu"),
                      nn.Dense(6, 4, activation="softmax")], loss=loss,
                     optimizer=optimizer or nn.Adam(learning_rate=0.01), seed=seed)
    # non-zero biases so that their gradients and updates are really compared
    rng = np.random.default_rng(seed + 100)
    for layer in net.layers:
        layer.bias = rng.normal(scale=0.1, size=layer.n_out)
    params = []
    for layer in net.layers:
        params.append(torch.tensor(layer.weights.copy(), requires_grad=True))
        params.append(torch.tensor(layer.bias.copy(), requires_grad=True))
    return net, params


def torch_forward(params, X):
    W1, b1, W2, b2, W3, b3 = params
    h1 = torch.tanh(X @ W1 + b1)
    h2 = torch.relu(h1 @ W2 + b2)
    return h2 @ W3 + b3  # logits


def data(seed=1, n=32):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    y = rng.integers(0, 4, size=n)
    return X, y


def torch_steps(params, opt, X, y, steps):
    """``steps`` full-batch steps of ``opt`` on the cross-entropy of the PyTorch twin."""
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(torch_forward(params, Xt), yt).backward()
        opt.step()


def flat(params, attr=None):
    return np.concatenate([(p.grad if attr == "grad" else p).detach().numpy().ravel() for p in params])


def test_loss_and_gradients_equal_pytorch():
    X, y = data()
    net, params = make_pair()
    loss, grads = net.loss_and_gradients(*net.prepare(X, y))
    t_loss = F.cross_entropy(torch_forward(params, torch.tensor(X)), torch.tensor(y))
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    np.testing.assert_allclose(grads, flat(params, "grad"), rtol=1e-8, atol=1e-12)


def test_sample_weighted_loss_and_gradients_equal_pytorch():
    X, y = data(seed=2)
    w = np.random.default_rng(3).uniform(0.2, 2.0, size=len(y))
    net, params = make_pair()
    loss, grads = net.loss_and_gradients(*net.prepare(X, y, sample_weight=w))
    per_sample = F.cross_entropy(torch_forward(params, torch.tensor(X)), torch.tensor(y),
                                 reduction="none")
    t_loss = (per_sample * torch.tensor(w)).sum() / w.sum()
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    np.testing.assert_allclose(grads, flat(params, "grad"), rtol=1e-8, atol=1e-12)


def test_fifty_full_batch_adam_steps_end_on_the_same_weights():
    X, y = data()
    net, params = make_pair(optimizer=nn.Adam(learning_rate=0.01))
    opt = torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    torch_steps(params, opt, X, y, 50)
    net.fit(X, y, epochs=50, batch_size=None)
    np.testing.assert_allclose(net.parameters, flat(params), rtol=1e-6, atol=1e-12)
    assert not np.allclose(net.parameters, make_pair()[0].parameters)  # it did move


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd_trajectories_equal_pytorch(momentum, nesterov):
    X, y = data(seed=4)
    net, params = make_pair(optimizer=nn.SGD(learning_rate=0.1, momentum=momentum,
                                             nesterov=nesterov))
    opt = torch.optim.SGD(params, lr=0.1, momentum=momentum, nesterov=nesterov)
    torch_steps(params, opt, X, y, 30)
    net.fit(X, y, epochs=30)
    np.testing.assert_allclose(net.parameters, flat(params), rtol=1e-7, atol=1e-12)


def test_weight_decay_on_weights_equals_pytorch_param_groups():
    X, y = data(seed=5)
    net, params = make_pair(optimizer=nn.Adam(learning_rate=0.01, weight_decay=0.05))
    opt = torch.optim.Adam([{"params": params[0::2], "weight_decay": 0.05},
                            {"params": params[1::2], "weight_decay": 0.0}], lr=0.01)
    torch_steps(params, opt, X, y, 20)
    net.fit(X, y, epochs=20)
    np.testing.assert_allclose(net.parameters, flat(params), rtol=1e-6, atol=1e-12)


def test_binary_crossentropy_and_mse_equal_pytorch():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(16, 3))
    Y = rng.integers(0, 2, size=(16, 2)).astype(float)
    for loss, output in (("binary_crossentropy", "sigmoid"), ("mse", "identity")):
        net = nn.Network([nn.Dense(3, 4, activation="tanh"), nn.Dense(4, 2, activation=output)],
                         loss=loss, seed=0)
        W1, b1, W2, b2 = (torch.tensor(a.copy(), requires_grad=True) for a in
                          (net.layers[0].weights, net.layers[0].bias,
                           net.layers[1].weights, net.layers[1].bias))
        Z = torch.tanh(torch.tensor(X) @ W1 + b1) @ W2 + b2
        if loss == "mse":  # ours: 1/2 * sum over outputs, mean over samples
            t_loss = F.mse_loss(Z, torch.tensor(Y)) * Y.shape[1] / 2
        else:  # ours: sum over outputs, mean over samples
            t_loss = F.binary_cross_entropy_with_logits(Z, torch.tensor(Y)) * Y.shape[1]
        t_loss.backward()
        ours, grads = net.loss_and_gradients(*net.prepare(X, Y))
        assert ours == pytest.approx(t_loss.item(), rel=1e-10)
        np.testing.assert_allclose(grads, flat([W1, b1, W2, b2], "grad"), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("z", [5.0, 20.0, 40.0, 100.0])
def test_cross_entropy_values_at_confident_logits_equal_pytorch(dtype, z):
    """The loss of a confidently wrong output is its logit, not -log(eps): history, val_loss,
    evaluate and early stopping all read this value."""
    X = np.array([[1.0], [-1.0]])
    rtol = 1e-12 if dtype == "float64" else 1e-5
    # one sigmoid unit, targets 0 and 1 for the logits z and -z: both wrong
    net = nn.Network([nn.Dense(1, 1, activation="sigmoid", bias=False)], dtype=dtype, seed=0)
    net.layers[0].weights = [[z]]
    Xc, Y, _ = net.prepare(X, [0.0, 1.0])
    expected = F.binary_cross_entropy_with_logits(torch.tensor([z, -z], dtype=torch.float64),
                                                  torch.tensor([0.0, 1.0], dtype=torch.float64)).item()
    assert net.evaluate_loss(Xc, Y) == pytest.approx(expected, rel=rtol)
    assert net.loss_and_gradients(Xc, Y)[0] == pytest.approx(expected, rel=rtol)
    # softmax over two classes, the true class the unlikely one
    net = nn.Network([nn.Dense(1, 2, activation="softmax", bias=False)], dtype=dtype, seed=0)
    net.layers[0].weights = [[z, -z]]
    Xc, Y, _ = net.prepare(X, [1, 0], classes=[0, 1])
    logits = torch.tensor([[z, -z], [-z, z]], dtype=torch.float64)
    expected = F.cross_entropy(logits, torch.tensor([1, 0])).item()
    assert net.evaluate_loss(Xc, Y) == pytest.approx(expected, rel=rtol)
    assert net.loss_and_gradients(Xc, Y)[0] == pytest.approx(expected, rel=rtol)
    assert net.evaluate(X, [1, 0])["loss"] == pytest.approx(expected, rel=rtol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cross_entropy_of_huge_equal_logits_keeps_the_log_sum_like_pytorch(dtype):
    """Logits near the top of the dtype's range in every column: the loss is log(3), as in
    PyTorch's log_softmax, not 0 (the log-sum lost next to the huge maximum)."""
    big = 1e300 if dtype == "float64" else 1e37
    net = nn.Network([nn.Dense(1, 3, activation="softmax", bias=False)], dtype=dtype, seed=0)
    net.layers[0].weights = [[big, big, big]]
    Xc, Y, _ = net.prepare([[1.0], [0.5]], [0, 2], classes=[0, 1, 2])
    logits = torch.tensor(np.array([[big] * 3, [big / 2] * 3]), dtype=getattr(torch, dtype))
    expected = F.cross_entropy(logits, torch.tensor([0, 2])).item()
    assert expected == pytest.approx(np.log(3.0), rel=1e-6)
    assert net.evaluate_loss(Xc, Y) == pytest.approx(expected, rel=1e-6)
    Z = logits.numpy()                                  # the logits path itself (P takes log P)
    assert net.loss.value_from_logits(Y, Z) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cross_entropy_of_logits_spread_beyond_the_dtypes_range_is_finite(dtype):
    """Logits +-3e38 in float32 (+-1.7e308 in float64): Z - max overflows to -inf, and the loss is
    still the (huge) finite gap, not NaN, in evaluate, training and the loss alone."""
    big = float(np.finfo(dtype).max) * 0.9
    net = nn.Network([nn.Dense(1, 2, activation="softmax", bias=False)], dtype=dtype, seed=0)
    net.layers[0].weights = [[big, -big]]
    X, y = [[1.0], [1.0]], [0, 1]                       # row 2 is confidently wrong
    loss = net.evaluate(X, y)["loss"]
    assert np.isfinite(loss) and loss == pytest.approx(float(np.finfo(dtype).max) / 2, rel=1e-6)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("scale", [1.0, 30.0, 300.0])
def test_the_fast_cross_entropy_equals_the_one_from_the_logits(dtype, scale):
    """The value from log P (the common case) and from the logits (where P rounded to 0) agree."""
    rng = np.random.default_rng(int(scale))
    loss = nn.losses.CategoricalCrossEntropy()
    Z = (rng.normal(size=(50, 4)) * scale).astype(dtype)
    P = nn.activations.ACTIVATIONS["softmax"]().forward(Z, out=np.empty_like(Z))
    Y = np.eye(4, dtype=dtype)[rng.integers(0, 4, 50)]
    w = rng.uniform(0.5, 2.0, 50).astype(dtype)
    rtol = 1e-12 if dtype == "float64" else 2e-6
    for weights in (None, w):
        exact = loss.value_from_logits(Y, Z, weights)
        assert loss.fused_value(Y, Z, P, weights) == pytest.approx(exact, rel=rtol)
        expected = F.cross_entropy(torch.tensor(Z, dtype=torch.float64), torch.tensor(Y.argmax(1)),
                                   reduction="none").numpy()
        expected = np.average(expected, weights=None if weights is None else weights.astype(float))
        assert exact == pytest.approx(expected, rel=rtol)



@pytest.mark.parametrize("dtype, gaps", [("float32", [80.0, 88.0, 95.0, 100.0, 102.97, 110.0]),
                                         ("float64", [700.0, 710.0, 740.0, 744.13, 760.0])])
def test_cross_entropy_where_the_target_probability_is_subnormal_equals_pytorch(dtype, gaps):
    """P of the target below the smallest normal float keeps few bits: the logits give the value."""
    loss = nn.losses.CategoricalCrossEntropy()
    softmax = nn.activations.ACTIVATIONS["softmax"]()
    for gap in gaps:
        Z = np.array([[0.0, -gap, 1.0]], dtype=dtype)
        P = softmax.forward(Z, out=np.empty_like(Z))
        Y = np.array([[0.0, 1.0, 0.0]], dtype=dtype)
        expected = -torch.log_softmax(torch.tensor(Z), dim=1)[0, 1].item()
        assert loss.fused_value(Y, Z, P) == pytest.approx(expected, rel=1e-6), gap
