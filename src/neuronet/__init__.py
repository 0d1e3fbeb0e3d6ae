"""neuronet: neural networks from scratch on NumPy, from the tutorial's single neuron upwards.

>>> import neuronet as nn
>>> neuron = nn.Neuron(n_inputs=3, seed=1)
>>> X = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]]
>>> y = [[0], [1], [1], [0]]
>>> print(neuron.train(X, y, 10_000).think([1, 0, 0]))
[0.99993704]
"""
from .activations import Activation, register_activation
from .callbacks import Callback, LambdaCallback
from .gradcheck import gradcheck
from .layers import Dense, Dropout, Layer
from .losses import Loss
from .network import Network
from .neuron import Neuron
from .optimizers import SGD, Adam, Optimizer
from .training import TrainingDiverged
from .io import ModelFileError, load, save
from .model import Model

__version__ = "0.1.0"

__all__ = [
    "Neuron", "Network", "Layer", "Dense", "Dropout", "Activation", "register_activation", "Loss",
    "Optimizer", "SGD", "Adam", "Callback", "LambdaCallback", "gradcheck", "TrainingDiverged",
    "save", "load", "ModelFileError", "Model", "__version__",
]
