"""Optional dependencies: import one, or explain which ``pip install neuronet[extra]`` provides it.

The core (``import neuronet``) needs NumPy only. Modules that build on scikit-learn, Dask, ONNX,
matplotlib or tqdm import them through :func:`require`, at the point of use, so a missing extra is a
clear ``ImportError`` instead of a bare ``ModuleNotFoundError`` deep in a traceback.
"""
from __future__ import annotations

import importlib

__all__ = ["require", "missing_extra"]


def missing_extra(err):
    """The extra (e.g. ``"plot"``) whose absence ``err`` reports, if :func:`require` raised it, else None.

    The command line reports such an ImportError in one line (exit code 2) instead of a traceback.
    """
    return getattr(err, "neuronet_extra", None)


def require(module, extra):
    """Import and return ``module``, or raise an ImportError naming the extra that installs it.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"sklearn.base"`` or ``"onnx.helper"``.
    extra : str
        The neuronet extra that provides it, e.g. ``"sklearn"``, ``"dask"``, ``"onnx"``.

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    ImportError
        With the message ``"<module> is needed for this feature: pip install neuronet[<extra>]"``;
        the original error is chained as its cause.
    """
    try:
        return importlib.import_module(module)
    except ImportError as err:
        top = module.partition(".")[0]
        missing = ImportError(f"{top} is needed for this feature but could not be imported ({err}); "
                          f"install it with: pip install neuronet[{extra}]",
                          name=module)
        missing.neuronet_extra = extra              # see missing_extra()
        raise missing from err
