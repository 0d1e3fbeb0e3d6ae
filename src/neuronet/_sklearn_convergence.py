"""scikit-learn's stopping rule for the estimators, as a :class:`~neuronet.Callback` on ``Network.fit``.

The rule is MLPClassifier's, epoch by epoch:

- without early stopping, an epoch counts as "no improvement" when its training loss is not below the
  best loss so far minus ``tol``;
- with early stopping, when its validation score (accuracy or R^2 on the held-out rows) is not above the
  best score so far plus ``tol``; the weights of the best-scoring epoch are restored at the end;
- after more than ``n_iter_no_change`` such epochs in a row, training stops; with ``solver="sgd"`` and
  ``learning_rate="adaptive"`` the step size is divided by 5 instead, until it falls below 1e-6.

The callback also keeps the estimator's record (``loss_curve_``, ``n_iter_``, ``t_``, ``best_loss_``,
``validation_scores_``) and applies the ``"invscaling"`` schedule at the end of each epoch. It never
prints: with ``verbose`` it logs to the ``"neuronet.sklearn"`` logger.
"""
from __future__ import annotations

import logging
import math

from .callbacks import Callback

__all__ = ["SklearnConvergence"]

LOG = logging.getLogger("neuronet.sklearn")


class SklearnConvergence(Callback):
    """Track one ``fit``/``partial_fit`` call of an estimator and stop it the way scikit-learn would.

    Parameters
    ----------
    estimator : NeuronetClassifier or NeuronetRegressor
        Its record attributes are updated in place; ``estimator._validation_score(X, y, w)`` scores
        the held-out rows.
    n_samples : int
        Training rows per epoch (for ``t_``, the count of samples seen).
    validation : tuple (X_val, y_val, w_val) or None
        The held-out rows for early stopping.
    """

    def __init__(self, estimator, n_samples, validation=None):
        self.estimator = estimator
        self.n_samples = n_samples
        self.validation = validation
        self.converged = False
        self.message = None
        self._best_parameters = None

    def on_epoch_end(self, net, epoch, logs):
        est = self.estimator
        loss = float(logs["loss"])
        est.n_iter_ += 1
        est.t_ += self.n_samples
        est.loss_ = loss
        est.loss_curve_.append(loss)
        if self.validation is not None:
            score = float(est._validation_score(*self.validation))
            est.validation_scores_.append(score)
            improved = not score < est.best_validation_score_ + est.tol
            if score > est.best_validation_score_:
                est.best_validation_score_ = score
                self._best_parameters = net.get_flat_parameters()
            what = "Validation score"
        else:
            improved = not loss > est.best_loss_ - est.tol
            est.best_loss_ = min(est.best_loss_, loss)
            what = "Training loss"
        est._no_improvement_count = 0 if improved else est._no_improvement_count + 1
        if est.verbose:
            extra = f", validation score = {est.validation_scores_[-1]:.8f}" if self.validation else ""
            LOG.info("Iteration %d, loss = %.8f%s", est.n_iter_, loss, extra)

        optimizer = net.optimizer
        sgd = est.solver == "sgd"
        if sgd and est.learning_rate == "invscaling":
            optimizer.learning_rate = float(est.learning_rate_init) / (est.t_ + 1) ** float(est.power_t)
        if est._no_improvement_count > est.n_iter_no_change:
            message = (f"{what} did not improve more than tol={est.tol:f} for "
                       f"{est.n_iter_no_change} consecutive epochs.")
            if sgd and est.learning_rate == "adaptive" and optimizer.learning_rate > 1e-6:
                optimizer.learning_rate /= 5.0
                est._no_improvement_count = 0
                if est.verbose:
                    LOG.info("%s Setting learning rate to %f", message, optimizer.learning_rate)
            else:
                self.converged, self.message = True, message
                net.stop_training = True
                if est.verbose:
                    LOG.info("%s Stopping.", message)

    def on_train_end(self, net, logs):
        if self._best_parameters is not None and math.isfinite(self.estimator.best_validation_score_):
            net.set_flat_parameters(self._best_parameters)
