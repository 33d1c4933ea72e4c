"""dlkit: the parts of deep-learning training that students write themselves.

Submodules (import the one you need; importing ``dlkit`` alone loads no
TensorFlow):

- ``dlkit.callbacks``: learning-rate schedules as Keras callbacks.
- ``dlkit.data``: the bundled Iris and Titanic data sets, split and
  preprocessed.

The public API and its conventions are fixed by the course contract
(``dlkit-contract.md``, beside this repository in ``shared/``).
"""

__version__ = "0.1.0"
