"""dlkit: the parts of deep-learning training that students write themselves.

Submodules (import the one you need; importing ``dlkit`` alone loads no
TensorFlow):

- ``dlkit.callbacks``: learning-rate schedules (and early stopping) as Keras
  callbacks.
- ``dlkit.data``: the bundled Iris and Titanic data sets, split and
  preprocessed.

The public API and its conventions are fixed by the course contract
(``docs/contract.md``).
"""

__version__ = "0.1.0"
