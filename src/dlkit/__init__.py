"""dlkit: the parts of deep-learning training that students write themselves.

Submodules (import the one you need; importing ``dlkit`` alone loads no
TensorFlow):

- ``dlkit.data``: the bundled Iris and Titanic data sets, split and
  preprocessed, and their mini-batches (lab ``iris_basics``).
- ``dlkit.training``: a hand-written training loop (``iris_basics``).
- ``dlkit.metrics``: accuracy, sensitivity, specificity (``iris_basics``).
- ``dlkit.activations``: activations and their derivatives (``losses``).
- ``dlkit.losses``: loss functions as Keras losses (``losses``).
- ``dlkit.initializers``: weight initializers (``initializers``).
- ``dlkit.optimizers``: SGD, Adagrad, RMSprop, Adam (``optimizers``).
- ``dlkit.callbacks``: learning-rate schedules (``schedules``) and early
  stopping (``regularization``) as Keras callbacks.
- ``dlkit.preprocessing``: Titanic preprocessing without leaks
  (``regularization``).
- ``dlkit.models``: the lecture's Iris and Titanic models (given).

The public API and its conventions are fixed by the course contract
(``dlkit-contract.md``, beside this repository in ``shared/``).
"""

__version__ = "0.1.0"
