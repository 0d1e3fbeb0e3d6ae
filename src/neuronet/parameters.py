"""The flat parameter vector: every weight and bias of a network in one array, its gradients in another.

Each layer's ``weights`` and ``bias`` are views into these two vectors, so an optimizer updates the
whole network with a few vector operations, and a gradient check or another solver
(``scipy.optimize``) treats the network as a function of one vector. :class:`FlatParameters` is the
part of :class:`~neuronet.network.Network` that lays the vectors out, keeps the layers' views in
step (also through pickling), and reads and writes the vector.
"""
from __future__ import annotations

import numpy as np

from .layers import LayerState
from .validation import as_numeric

__all__ = ["FlatParameters"]


class FlatParameters:
    """Mixed into :class:`~neuronet.network.Network`, which sets ``layers``, ``dtype`` and ``rng``
    before calling :meth:`_bind_parameters`."""

    def _bind_parameters(self):
        """Lay every layer's arrays end to end in one parameter vector and one gradient vector."""
        size = sum(int(np.prod(shape)) for layer in self.layers
                   for _, shape in layer.parameter_shapes())
        self._parameters = np.zeros(size, dtype=self.dtype)
        self.gradients = np.zeros(size, dtype=self.dtype)
        self._link_layers()

    def _link_layers(self):
        """Give each layer views into ``parameters`` and ``gradients``: layer after layer, each
        layer's ``parameter_shapes()`` end to end."""
        offset = 0
        self._weight_slices = []
        for i, layer in enumerate(self.layers):
            arrays, grads = {}, {}
            for name, shape in layer.parameter_shapes():
                size = int(np.prod(shape))
                arrays[name] = self.parameters[offset:offset + size].reshape(shape)
                grads[name] = self.gradients[offset:offset + size].reshape(shape)
                if name == "weights":
                    self._weight_slices.append(slice(offset, offset + size))
                offset += size
            layer.bind(arrays, grads, self.rng)
            layer.needs_input_gradient = i > 0

    def _claim_layers(self):
        """Mark every layer as this network's, so that no other network re-binds it to its own vectors
        (this network would then train a vector its layers no longer read)."""
        for layer in self.layers:
            layer.belong_to(self)

    def __getstate__(self):
        """Pickle the flat vectors only: the layers' views are rebuilt on unpickling.

        (Pickle would store each view as an independent copy, and training after a round trip, e.g.
        to a Dask worker and back, would then update the vector but not the layers.)
        """
        state = self.__dict__.copy()
        state["layers"] = [LayerState(layer) for layer in self.layers]
        return state

    def __setstate__(self, state):
        if "parameters" in state:   # pickled by neuronet before parameters became a property
            state["_parameters"] = state.pop("parameters")
        state["layers"] = [held.restore() for held in state["layers"]]
        self.__dict__.update(state)
        self._link_layers()
        self._claim_layers()

    @property
    def parameters(self):
        """Every trainable number, layer by layer (weights, then bias), as one vector, shape
        ``(n_parameters,)``.

        This is the live vector the layers' arrays view, not a copy: ``net.parameters[i] = v`` changes
        the network. Assigning, ``net.parameters = vector`` (e.g. a solution from
        ``scipy.optimize.minimize``), copies ``vector`` in, as :meth:`set_flat_parameters` does.
        """
        return self._parameters

    @parameters.setter
    def parameters(self, vector):
        self.set_flat_parameters(vector)

    @property
    def n_parameters(self):
        """Number of trainable numbers in the network."""
        return self._parameters.size

    def get_flat_parameters(self):
        """A copy of every parameter, layer by layer (weights, then bias), as one vector."""
        return self._parameters.copy()

    def set_flat_parameters(self, vector):
        """Overwrite every parameter from a vector laid out as ``get_flat_parameters`` returns.

        The values are cast to the network's dtype; the shape must match and every value must be
        finite (in that dtype: 1e39 does not fit in float32).
        """
        values = as_numeric(vector, self.dtype, "parameters")
        if values.shape != self._parameters.shape:
            raise ValueError(f"parameters must have shape {self._parameters.shape}, got {values.shape}")
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            given = np.asarray(vector, dtype=np.float64).reshape(-1)[bad[0]]
            raise ValueError(f"parameters must be finite {self.dtype.name} numbers; position "
                             f"{bad[0]} holds {given:g}")
        self._parameters[...] = values
