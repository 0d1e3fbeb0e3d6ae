"""The tutorial's published numbers, exactly, through Neuron and through Network."""
import numpy as np
import pytest

import neuronet as nn

START = [-0.16595599, 0.44064899, -0.99977125]


def tutorial_class_loop(X, y, iterations, seed=1):
    """The tutorial's NeuralNetwork class: ``error * sigmoid_derivative(output)``."""
    def sigmoid_derivative(x):
        return x * (1 - x)

    np.random.seed(seed)
    W = 2 * np.random.random((3, 1)) - 1
    for _ in range(iterations):
        output = 1 / (1 + np.exp(-(X @ W)))
        error = y - output
        W += X.T @ (error * sigmoid_derivative(output))
    return W


def nine_line_loop(X, y, iterations, seed=1):
    """The tutorial's 9-line version: ``(y - output) * output * (1 - output)``, multiplied left to right."""
    np.random.seed(seed)
    W = 2 * np.random.random((3, 1)) - 1
    for _ in range(iterations):
        output = 1 / (1 + np.exp(-(X @ W)))
        W += X.T @ ((y - output) * output * (1 - output))
    return W


def test_starting_weights_are_the_tutorials():
    neuron = nn.Neuron(n_inputs=3, seed=1)
    np.testing.assert_allclose(neuron.weights.ravel(), START, rtol=1e-7)
    assert neuron.weights.shape == (3, 1)


def test_neuron_after_10000_iterations(tutorial_data):
    X, y = tutorial_data
    neuron = nn.Neuron(n_inputs=3, seed=1)
    neuron.train(X, y, 10_000)
    answer = neuron.think(np.array([1, 0, 0]))
    assert answer.shape == (1,)
    assert answer[0] == pytest.approx(0.9999370428352157, rel=1e-7)
    assert f"{answer[0]:.8f}" == "0.99993704"


def test_neuron_after_15000_iterations(tutorial_data):
    X, y = tutorial_data
    answer = nn.Neuron(3, seed=1).fit(X, y, iterations=15_000).predict([1, 0, 0])
    assert answer[0] == pytest.approx(0.9999584, rel=1e-7)


def test_neuron_matches_the_tutorial_class_bit_for_bit(tutorial_data):
    X, y = tutorial_data
    neuron = nn.Neuron(3, seed=1).train(X, y, 10_000)
    np.testing.assert_array_equal(neuron.weights, tutorial_class_loop(X, y, 10_000))


def test_neuron_gives_the_nine_line_versions_answer_bit_for_bit(tutorial_data):
    # The 9-line version multiplies in another order, so one weight can differ in its last bit;
    # the answer to the new situation is the same number exactly.
    X, y = tutorial_data
    neuron = nn.Neuron(3, seed=1).train(X, y, 10_000)
    W = nine_line_loop(X, y, 10_000)
    np.testing.assert_allclose(neuron.weights, W, rtol=1e-15)
    assert neuron.think([1, 0, 0])[0] == (1 / (1 + np.exp(-(np.array([1, 0, 0]) @ W))))[0]


def test_network_spelling_of_the_neuron(tutorial_data):
    X, y = tutorial_data
    net = nn.Network([nn.Dense(3, 1, activation="sigmoid", bias=False)], loss="sse",
                     optimizer=nn.SGD(learning_rate=1.0), init="tutorial", seed=1)
    net.fit(X, y, epochs=10_000, batch_size=None)
    assert net.predict([[1, 0, 0]])[0, 0] == pytest.approx(0.9999370428352157, rel=1e-7)


def test_neuron_is_a_network_underneath():
    neuron = nn.Neuron(3, seed=1)
    assert isinstance(neuron.network, nn.Network)
    assert neuron.network.layers[0].weights is neuron.weights


def test_weights_are_writable(tutorial_data):
    neuron = nn.Neuron(3, seed=1)
    neuron.weights = np.zeros((3, 1))
    assert neuron.think([1, 0, 0])[0] == 0.5
    with pytest.raises(ValueError, match=r"shape \(3, 1\)"):
        neuron.weights = np.zeros(3)


def test_second_tutorial_three_four_one_network():
    """The follow-up tutorial: a 3-4-1 sigmoid network, 60,000 iterations, new situation [1, 1, 0]."""
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
    y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
    net = nn.Network([nn.Dense(3, 4, activation="sigmoid", bias=False),
                      nn.Dense(4, 1, activation="sigmoid", bias=False)],
                     loss="sse", optimizer=nn.SGD(learning_rate=1.0), init="tutorial", seed=1)
    # the tutorial's hand-written code draws layer 1 then layer 2 from one seeded generator
    np.random.seed(1)
    W1, W2 = 2 * np.random.random((3, 4)) - 1, 2 * np.random.random((4, 1)) - 1
    np.testing.assert_array_equal(net.layers[0].weights, W1)
    np.testing.assert_array_equal(net.layers[1].weights, W2)
    for _ in range(200):  # the hand-written two-layer rule, step for step
        out1 = 1 / (1 + np.exp(-(X @ W1)))
        out2 = 1 / (1 + np.exp(-(out1 @ W2)))
        delta2 = (y - out2) * out2 * (1 - out2)
        delta1 = (delta2 @ W2.T) * out1 * (1 - out1)
        W1 += X.T @ delta1
        W2 += out1.T @ delta2
    net.fit(X, y, epochs=200)
    np.testing.assert_allclose(net.layers[0].weights, W1, rtol=1e-12)
    np.testing.assert_allclose(net.layers[1].weights, W2, rtol=1e-12)
    net.fit(X, y, epochs=60_000 - 200)
    assert net.predict([[1, 1, 0]])[0, 0] == pytest.approx(0.0078876, rel=1e-4)
