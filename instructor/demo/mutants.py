"""Extra mutants for ``make mutants`` (instructor copy only).

Each is one plausible wrong student implementation of a component, written
as a `PlantedBug` whose `loses` is empty: unlike the planted bugs of
``instructor/demo/bugs``, a mutant promises no exact set of failing checks,
only that grading its lab loses at least one point (``python -m
instructor.measure.kill_rate`` measures that). They cover what the planted bugs
cover least: the other activations, losses, initializers, optimizers and
schedules, the metrics, the training loop and the Titanic preprocessing.

`CORRECT_VARIANTS` are the other way round: code that differs from the
reference's text but not from its results, as students write it. Each is
listed in `EQUIVALENT` with the reason no check can kill it; they stay out
of the kill rate, and a check that kills one would fail correct code.
"""

from instructor.demo import PlantedBug


def _mutant(lab, name, file, old, new, why):
    return PlantedBug(lab, name, file, old, new, (), why)


# -- iris_basics: dlkit.data, dlkit.training, dlkit.metrics ----------------------------
IRIS_BASICS = (
    _mutant(
        "iris_basics", "mut_iterations_plus_one", "data.py",
        "return -(-int(n_samples) // int(batch_size))",
        "return int(n_samples) // int(batch_size) + 1",
        "adds one batch for the partial last batch even when batch_size divides n_samples: "
        "200 samples in batches of 5 give 41",
    ),
    _mutant(
        "iris_basics", "mut_minibatch_shuffle_ignored", "data.py",
        "    if shuffle:\n        order = np.random.default_rng(seed)",
        "    if True:\n        order = np.random.default_rng(seed)",
        "always shuffles: shuffle=False still permutes the samples",
    ),
    _mutant(
        "iris_basics", "mut_minibatch_global_rng", "data.py",
        "order = np.random.default_rng(seed).permutation(n_samples)\n    else:",
        "order = np.random.permutation(n_samples)\n    else:",
        "draws the order from NumPy's global generator: the seed is ignored, epochs are not "
        "repeatable",
    ),
    _mutant(
        "iris_basics", "mut_minibatch_inclusive_end", "data.py",
        "yield order[start:start + batch_size]",
        "yield order[start:start + batch_size + 1]",
        "slices one index too far (an inclusive end): consecutive batches overlap by one sample",
    ),
    _mutant(
        "iris_basics", "mut_fit_epochs_from_one", "training.py",
        "    for _ in range(epochs):\n",
        "    for _ in range(1, epochs):\n",
        "counts epochs from 1 with range(1, epochs): trains one epoch too few",
    ),
    _mutant(
        "iris_basics", "mut_fit_logs_last_batch_loss", "training.py",
        "_log_epoch(history, total / len(x), model, loss_fn, validation_data)",
        "_log_epoch(history, float(loss), model, loss_fn, validation_data)",
        "records the last batch's loss as the epoch's loss instead of the mean over all samples",
    ),
    _mutant(
        "iris_basics", "mut_train_step_loss_after_update", "training.py",
        "    optimizer.apply_gradients(zip(gradients, model.trainable_variables))\n"
        "    return loss\n",
        "    optimizer.apply_gradients(zip(gradients, model.trainable_variables))\n"
        "    return loss_fn(y, model(x, training=True))\n",
        "returns the batch's loss after the update instead of the loss it differentiated",
    ),
    _mutant(
        "iris_basics", "mut_train_step_inference_mode", "training.py",
        "y_pred = model(x, training=True)",
        "y_pred = model(x)",
        "runs the forward pass in inference mode (forgets training=True): Dropout and "
        "BatchNormalization layers behave as at test time while training",
    ),
    _mutant(
        "iris_basics", "mut_confusion_matrix_fancy_index", "metrics.py",
        "np.add.at(cm, (y_true, y_pred), 1)",
        "cm[y_true, y_pred] += 1",
        "counts with cm[y_true, y_pred] += 1: NumPy applies a repeated (true, pred) pair once",
    ),
    _mutant(
        "iris_basics", "mut_confusion_matrix_transposed", "metrics.py",
        "np.add.at(cm, (y_true, y_pred), 1)",
        "np.add.at(cm, (y_pred, y_true), 1)",
        "puts the predicted class in the rows (the textbooks' layout), not scikit-learn's",
    ),
    _mutant(
        "iris_basics", "mut_false_positives_from_rows", "metrics.py",
        "fp = cm.sum(axis=0) - tp",
        "fp = cm.sum(axis=1) - tp",
        "takes the false positives from the row sums (true class) instead of the column sums",
    ),
    _mutant(
        "iris_basics", "mut_sensitivity_zero_division_nan", "metrics.py",
        "return _ratio(tp, tp + fn)",
        "return tp / (tp + fn)",
        "divides without the 0 / 0 guard: a class absent from y_true gets nan, not 0",
    ),
    _mutant(
        "iris_basics", "mut_accuracy_integer_division", "metrics.py",
        "return float(np.mean(y_true == y_pred))",
        "return float(np.sum(y_true == y_pred) // len(y_true))",
        "divides the count of hits with //: the accuracy is 0 unless every sample is right",
    ),
)

# -- losses: dlkit.activations, dlkit.losses -----------------------------------------
LOSSES = (
    _mutant(
        "losses", "mut_relu_derivative_one_at_zero", "activations.py",
        "return np.where(x > 0, 1.0, 0.0)",
        "return np.where(x >= 0, 1.0, 0.0)",
        "uses x >= 0: relu'(0) is 1 instead of TensorFlow's 0",
    ),
    _mutant(
        "losses", "mut_leaky_relu_keras_alpha", "activations.py",
        "def leaky_relu(x, alpha=0.1):",
        "def leaky_relu(x, alpha=0.2):",
        "takes Keras's default negative slope 0.2 instead of the lecture's 0.1",
    ),
    _mutant(
        "losses", "mut_leaky_relu_derivative_one_at_zero", "activations.py",
        "return np.where(x > 0, 1.0, float(alpha))",
        "return np.where(x >= 0, 1.0, float(alpha))",
        "uses x >= 0: leaky_relu'(0) is 1 instead of alpha",
    ),
    _mutant(
        "losses", "mut_tanh_derivative_of_output", "activations.py",
        "return 1.0 - np.tanh(x) ** 2",
        "return 1.0 - x ** 2",
        "writes tanh'(x) as 1 - x**2, the formula in terms of the output applied to the input",
    ),
    _mutant(
        "losses", "mut_softmax_global_max", "activations.py",
        "shifted = x - np.max(x, axis=axis, keepdims=True)",
        "shifted = x - np.max(x)",
        "subtracts the maximum of the whole array: a row far below it underflows to 0 / 0",
    ),
    _mutant(
        "losses", "mut_softmax_sum_last_axis", "activations.py",
        "return e / np.sum(e, axis=axis, keepdims=True)",
        "return e / np.sum(e, axis=-1, keepdims=True)",
        "normalizes along the last axis whatever `axis` says",
    ),
    _mutant(
        "losses", "mut_mae_abs_of_mean", "losses.py",
        "return ops.mean(ops.abs(y_true - y_pred), axis=-1)",
        "return ops.abs(ops.mean(y_true - y_pred, axis=-1))",
        "takes the absolute value of the mean error: errors of opposite sign cancel",
    ),
    _mutant(
        "losses", "mut_msle_log1p_unclamped", "losses.py",
        "log_pred = ops.log(ops.maximum(y_pred, epsilon) + 1.0)\n"
        "        log_true = ops.log(ops.maximum(y_true, epsilon) + 1.0)",
        "log_pred = ops.log1p(y_pred)\n"
        "        log_true = ops.log1p(y_true)",
        "takes log1p of the raw values: a negative prediction below -1 gives nan",
    ),
    _mutant(
        "losses", "mut_bce_epsilon_added_not_clipped", "losses.py",
        "            p = ops.clip(y_pred, epsilon, 1.0 - epsilon)\n"
        "            per_element = -(y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p))",
        "            per_element = -(y_true * ops.log(y_pred + epsilon)\n"
        "                            + (1.0 - y_true) * ops.log(1.0 - y_pred + epsilon))",
        "adds epsilon inside the logs instead of clipping: the values agree, but at p = 0 or 1 "
        "the gradient is 1 / epsilon where the clip gives 0",
    ),
    _mutant(
        "losses", "mut_bce_smoothing_without_half", "losses.py",
        "y_true * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing",
        "y_true * (1.0 - self.label_smoothing)",
        "smooths the labels towards 0 only (forgets + 0.5 * s)",
    ),
    _mutant(
        "losses", "mut_cce_not_normalized", "losses.py",
        "        p = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)\n"
        "        p = ops.clip(p, epsilon, 1.0 - epsilon)\n",
        "        p = ops.clip(y_pred, epsilon, 1.0 - epsilon)\n",
        "takes the lecture's formula as is: rows that do not sum to 1 are not normalized first",
    ),
    _mutant(
        "losses", "mut_cce_mean_over_classes", "losses.py",
        "return -ops.sum(y_true * ops.log(p), axis=-1)",
        "return -ops.mean(y_true * ops.log(p), axis=-1)",
        "averages over the classes instead of summing: the loss is K times too small",
    ),
    _mutant(
        "losses", "mut_cce_logits_log_of_softmax", "losses.py",
        "-ops.sum(y_true * ops.log_softmax(y_pred, axis=-1), axis=-1)",
        "-ops.sum(y_true * ops.log(ops.softmax(y_pred, axis=-1)), axis=-1)",
        "computes log(softmax(x)) in two steps: logits of 1e4 give log(0) = -inf",
    ),
    _mutant(
        "losses", "mut_scce_drops_from_logits", "losses.py",
        "CategoricalCrossentropy(from_logits=self.from_logits).call(one_hot, y_pred)",
        "CategoricalCrossentropy().call(one_hot, y_pred)",
        "delegates to CategoricalCrossentropy without passing from_logits on",
    ),
    _mutant(
        "losses", "mut_squared_hinge_square_before_max", "losses.py",
        "ops.square(ops.maximum(1.0 - y_true * y_pred, 0.0))",
        "ops.maximum(ops.square(1.0 - y_true * y_pred), 0.0)",
        "squares before the max: a score beyond the margin is penalized again",
    ),
    _mutant(
        "losses", "mut_hinge_no_margin", "losses.py",
        "return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)",
        "return ops.mean(ops.maximum(-y_true * y_pred, 0.0), axis=-1)",
        "drops the margin (the perceptron loss): a right score below 1 costs nothing",
    ),
    _mutant(
        "losses", "mut_kl_true_not_clipped", "losses.py",
        "        y_true = ops.clip(y_true, epsilon, 1.0)\n",
        "",
        "clips only y_pred: a label of exactly 0 gives 0 * log(0) = nan",
    ),
    _mutant(
        "losses", "mut_kl_reversed", "losses.py",
        "return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)",
        "return ops.sum(y_pred * ops.log(y_pred / y_true), axis=-1)",
        "computes KL(y_pred || y_true), the divergence in the other direction",
    ),
    _mutant(
        "losses", "mut_multilabel_softmax", "losses.py",
        '"multilabel": ("sigmoid", "BinaryCrossentropy"),',
        '"multilabel": ("softmax", "CategoricalCrossentropy"),',
        "answers softmax + categorical cross-entropy for multi-label problems, where the "
        "labels are independent",
    ),
)

# -- initializers: dlkit.initializers ------------------------------------------------
INITIALIZERS = (
    _mutant(
        "initializers", "mut_fans_swapped", "initializers.py",
        "return shape[-2] * receptive_field, shape[-1] * receptive_field",
        "return shape[-1] * receptive_field, shape[-2] * receptive_field",
        "takes the fans from the wrong axes (PyTorch's (out, in) layout): fan_in is the "
        "number of outputs",
    ),
    _mutant(
        "initializers", "mut_he_uniform_lecun_limit", "initializers.py",
        "limit = math.sqrt(6.0 / fan_in)",
        "limit = math.sqrt(3.0 / fan_in)",
        "uses LeCun's uniform limit sqrt(3 / fan_in) for HeUniform: half He's variance",
    ),
    _mutant(
        "initializers", "mut_glorot_uniform_normal_std_as_limit", "initializers.py",
        "limit = math.sqrt(6.0 / (fan_in + fan_out))",
        "limit = math.sqrt(2.0 / (fan_in + fan_out))",
        "takes GlorotNormal's standard deviation as GlorotUniform's limit (a third of the "
        "variance)",
    ),
    _mutant(
        "initializers", "mut_lecun_normal_no_truncation_factor", "initializers.py",
        "stddev = math.sqrt(1.0 / fan_in) / TRUNCATION_STDDEV",
        "stddev = math.sqrt(1.0 / fan_in)",
        "truncates LeCunNormal without dividing by TRUNCATION_STDDEV: the draws' standard "
        "deviation is 12% too small",
    ),
    _mutant(
        "initializers", "mut_he_normal_variance_as_stddev", "initializers.py",
        "stddev = math.sqrt(2.0 / fan_in) / TRUNCATION_STDDEV",
        "stddev = 2.0 / fan_in / TRUNCATION_STDDEV",
        "forgets the square root: passes He's variance 2 / fan_in as the standard deviation",
    ),
    _mutant(
        "initializers", "mut_random_normal_mean_ignored", "initializers.py",
        "return keras.random.normal(shape, mean=self.mean, stddev=self.stddev, dtype=dtype,",
        "return keras.random.normal(shape, stddev=self.stddev, dtype=dtype,",
        "never passes the mean: RandomNormal(mean=m) draws around 0",
    ),
    _mutant(
        "initializers", "mut_constant_dtype_ignored", "initializers.py",
        "return keras.ops.full(shape, self.value, dtype=dtype)",
        "return keras.ops.full(shape, self.value)",
        "ignores the requested dtype: float64 weights come back float32",
    ),
    _mutant(
        "initializers", "mut_distinct_units_rows", "initializers.py",
        "units = np.asarray(kernel, dtype=np.float64).T",
        "units = np.asarray(kernel, dtype=np.float64)",
        "takes the kernel's rows (one per input) as the units instead of its columns",
    ),
    _mutant(
        "initializers", "mut_distinct_units_allclose", "initializers.py",
        "np.max(np.abs(unit - first)) <= atol",
        "np.allclose(unit, first, atol=atol)",
        "compares with np.allclose, which also allows a relative difference of 1e-5: large "
        "weights that differ by more than atol count as the same",
    ),
)

# -- optimizers: dlkit.optimizers ------------------------------------------------------
OPTIMIZERS = (
    _mutant(
        "optimizers", "mut_nesterov_gradient_added", "optimizers.py",
        "self.assign_add(variable, ops.subtract(ops.multiply(velocity, momentum),",
        "self.assign_add(variable, ops.add(ops.multiply(velocity, momentum),",
        "flips the gradient's sign in the Nesterov look-ahead: w <- w + momentum * v + lr * g",
    ),
    _mutant(
        "optimizers", "mut_sgd_momentum_dampened", "optimizers.py",
        "ops.multiply(gradient, lr)))\n        if self.nesterov:",
        "ops.multiply(gradient, lr * (1 - momentum))))\n        if self.nesterov:",
        "writes momentum as an exponential average, v <- momentum * v - (1 - momentum) * lr * g "
        "(Andrew Ng's form), not Keras's",
    ),
    _mutant(
        "optimizers", "mut_sgd_velocity_rebound", "optimizers.py",
        "self.assign(velocity, ops.subtract(ops.multiply(velocity, momentum),\n"
        "                                           ops.multiply(gradient, lr)))",
        "velocity = ops.subtract(ops.multiply(velocity, momentum),\n"
        "                                ops.multiply(gradient, lr))",
        "rebinds the Python name instead of assigning the slot: the velocity never "
        "accumulates, every step is plain SGD",
    ),
    _mutant(
        "optimizers", "mut_sgd_slots_without_momentum", "optimizers.py",
        "if self.momentum != 0:",
        "if True:",
        "creates a momentum slot even for momentum = 0, which Keras does not keep",
    ),
    _mutant(
        "optimizers", "mut_adagrad_epsilon_outside_sqrt", "optimizers.py",
        "ops.sqrt(ops.add(accumulator, self.epsilon))",
        "ops.add(ops.sqrt(accumulator), self.epsilon)",
        "adds Adagrad's epsilon after the square root (the paper's form); Keras adds it under "
        "the root",
    ),
    _mutant(
        "optimizers", "mut_adagrad_step_before_accumulating", "optimizers.py",
        "        self.assign_add(accumulator, ops.square(gradient))\n"
        "        self.assign_sub(variable, ops.divide(ops.multiply(lr, gradient),\n"
        "                                             ops.sqrt(ops.add(accumulator, self.epsilon))))\n",
        "        self.assign_sub(variable, ops.divide(ops.multiply(lr, gradient),\n"
        "                                             ops.sqrt(ops.add(accumulator, self.epsilon))))\n"
        "        self.assign_add(accumulator, ops.square(gradient))\n",
        "steps with the accumulator before adding this step's g**2",
    ),
    _mutant(
        "optimizers", "mut_rmsprop_no_sqrt", "optimizers.py",
        "ops.sqrt(ops.add(velocity, self.epsilon))",
        "ops.add(velocity, self.epsilon)",
        "divides by the mean square instead of its root",
    ),
    _mutant(
        "optimizers", "mut_adam_t_from_zero", "optimizers.py",
        "step = ops.cast(self.iterations + 1, variable.dtype)",
        "step = ops.cast(self.iterations, variable.dtype)",
        "numbers Adam's steps from 0: the first bias correction divides by 1 - beta_1**0 = 0",
    ),
    _mutant(
        "optimizers", "mut_adam_only_first_moment_corrected", "optimizers.py",
        "alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)",
        "alpha = lr / (1 - beta_1_power)",
        "corrects the bias of m but not of v: the first steps are far too large",
    ),
    _mutant(
        "optimizers", "mut_adam_step_before_moments", "optimizers.py",
        "        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))\n"
        "        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), "
        "1 - self.beta_2))\n"
        "        self.assign_sub(variable, ops.divide(ops.multiply(m, alpha),\n"
        "                                             ops.add(ops.sqrt(v), self.epsilon)))\n",
        "        self.assign_sub(variable, ops.divide(ops.multiply(m, alpha),\n"
        "                                             ops.add(ops.sqrt(v), self.epsilon)))\n"
        "        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))\n"
        "        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), "
        "1 - self.beta_2))\n",
        "updates the weights with last step's moments, then the moments: the first step is 0",
    ),
    _mutant(
        "optimizers", "mut_clip_by_value", "optimizers.py",
        "return ops.divide(ops.multiply(gradient, limit), ops.maximum(norm, limit))",
        "return ops.clip(gradient, -limit, limit)",
        "clips every element to [-max_norm, max_norm] (clipvalue) instead of rescaling the norm",
    ),
    _mutant(
        "optimizers", "mut_clip_squared_norm", "optimizers.py",
        "norm = ops.sqrt(ops.sum(ops.square(gradient)))",
        "norm = ops.sum(ops.square(gradient))",
        "compares the squared norm with max_norm (forgets the square root)",
    ),
    _mutant(
        "optimizers", "mut_clip_python_if", "optimizers.py",
        "    return ops.divide(ops.multiply(gradient, limit), ops.maximum(norm, limit))\n",
        "    if float(norm) >= max_norm:\n"
        "        return ops.divide(ops.multiply(gradient, limit), norm)\n"
        "    return gradient\n",
        "decides with a Python if on the norm: right eagerly, fails inside a compiled step",
    ),
)

# -- schedules: dlkit.callbacks (learning-rate schedules) ------------------------------
SCHEDULES = (
    _mutant(
        "schedules", "mut_cyclic_cycle_from_zero", "callbacks.py",
        "cycle = math.floor(1 + step / (2 * self.step_size))",
        "cycle = math.floor(step / (2 * self.step_size))",
        "numbers the cycles from 0: the triangle's phase is off by a whole cycle",
    ),
    _mutant(
        "schedules", "mut_cyclic_starts_at_max", "callbacks.py",
        "max(0.0, 1.0 - x)",
        "max(0.0, x)",
        "uses x instead of 1 - x: the rate starts at max_lr and dips to base_lr mid-cycle",
    ),
    _mutant(
        "schedules", "mut_exp_range_gamma_per_cycle", "callbacks.py",
        "scale = self.gamma**step",
        "scale = self.gamma**cycle",
        "decays exp_range's amplitude once per cycle instead of once per iteration",
    ),
    _mutant(
        "schedules", "mut_inverse_time_from_epoch_one", "callbacks.py",
        "self.initial_learning_rate / (1.0 + self.decay_rate * step)",
        "self.initial_learning_rate / (1.0 + self.decay_rate * (step + 1))",
        "counts t from 1 like the lecture's table: the first epoch already runs at a decayed rate",
    ),
    _mutant(
        "schedules", "mut_step_decay_round", "callbacks.py",
        "exponent = math.floor(step / self.epochs_per_drop)",
        "exponent = round(step / self.epochs_per_drop)",
        "rounds instead of flooring: the rate drops halfway through each period",
    ),
    _mutant(
        "schedules", "mut_logs_schedule_of_epoch", "callbacks.py",
        'logs["learning_rate"] = _as_float(self.model.optimizer.learning_rate)',
        'logs["learning_rate"] = float(self.schedule(epoch))',
        "logs schedule(epoch) instead of the optimizer's rate: wrong for per-batch schedules",
    ),
)

# -- regularization: EarlyStopping and the Titanic preprocessing -----------------------
REGULARIZATION = (
    _mutant(
        "regularization", "mut_max_mode_min_delta_added", "callbacks.py",
        "return current - self.min_delta > reference",
        "return current + self.min_delta > reference",
        "copies the 'min' rule's sign into 'max' mode: any value above best - min_delta "
        "counts as an improvement",
    ),
    _mutant(
        "regularization", "mut_improvement_not_strict", "callbacks.py",
        "return current + self.min_delta < reference",
        "return current + self.min_delta <= reference",
        "counts an equal value as an improvement: a plateau resets wait forever",
    ),
    _mutant(
        "regularization", "mut_auto_mode_keeps_val_prefix", "callbacks.py",
        'name = self.monitor.removeprefix("val_")',
        "name = self.monitor",
        "does not strip val_ in mode='auto': val_loss and val_accuracy cannot be resolved",
    ),
    _mutant(
        "regularization", "mut_best_not_reset", "callbacks.py",
        "        self.best = None\n        self.best_weights = None\n",
        "        self.best_weights = None\n",
        "on_train_begin keeps best from the previous fit: a reused callback compares with it",
    ),
    _mutant(
        "regularization", "mut_restore_only_when_stopped", "callbacks.py",
        "if self.restore_best_weights and self.best_weights is not None:",
        "if self.restore_best_weights and self.best_weights is not None and self.stopped_epoch:",
        "restores the best weights only when training stopped early (Keras 2's behaviour): a "
        "run that ends without stopping keeps its last weights",
    ),
    _mutant(
        "regularization", "mut_scaler_ddof_1", "preprocessing.py",
        "self.std_ = scaled.std(axis=0)",
        "self.std_ = scaled.std(axis=0, ddof=1)",
        "standardizes with the sample standard deviation (pandas' default ddof=1)",
    ),
    _mutant(
        "regularization", "mut_age_mean_imputation", "preprocessing.py",
        "self.age_median_ = float(np.nanmedian(ages))",
        "self.age_median_ = float(np.nanmean(ages))",
        "imputes missing ages with the mean instead of the median",
    ),
    _mutant(
        "regularization", "mut_port_mode_first_seen", "preprocessing.py",
        "self.port_mode_ = max(sorted(set(ports)), key=ports.count)",
        "self.port_mode_ = max(ports, key=ports.count)",
        "breaks a tie for the most frequent port by the first row seen (as "
        "Counter.most_common does), not alphabetically",
    ),
    _mutant(
        "regularization", "mut_log_fare_without_one", "preprocessing.py",
        'np.log1p(float(record["Fare"])),',
        'np.log(float(record["Fare"])),',
        "takes log(fare) instead of log1p(fare): a fare of 0 gives -inf",
    ),
    _mutant(
        "regularization", "mut_transform_refits_scaler", "preprocessing.py",
        "x[:, SCALED_INDEX] = (x[:, SCALED_INDEX] - self.mean_) / self.std_",
        "x[:, SCALED_INDEX] = ((x[:, SCALED_INDEX] - x[:, SCALED_INDEX].mean(axis=0))\n"
        "                              / x[:, SCALED_INDEX].std(axis=0))",
        "standardizes each split with its own mean and std (fit_transform on the test set): "
        "the test rows leak into their features",
    ),
    _mutant(
        "regularization", "mut_age_missing_after_imputation", "preprocessing.py",
        "                float(missing),\n",
        "                float(np.isnan(self.age_median_ if missing else age)),\n",
        "computes age_missing after imputing the age: the flag is always 0",
    ),
)

# -- generalization: dlkit.layers, dlkit.regularizers, metrics.roc_curve / roc_auc -----
GENERALIZATION = (
    _mutant(
        "generalization", "mut_dropout_keeps_with_probability_rate", "layers.py",
        "return ops.where(draws < keep, inputs / keep, ops.zeros_like(inputs))",
        "return ops.where(draws < self.rate, inputs / keep, ops.zeros_like(inputs))",
        "keeps a unit with probability rate instead of 1 - rate (rate read as the keep "
        "probability, as in some papers)",
    ),
    _mutant(
        "generalization", "mut_dropout_not_scaled", "layers.py",
        "return ops.where(draws < keep, inputs / keep, ops.zeros_like(inputs))",
        "return ops.where(draws < keep, inputs, ops.zeros_like(inputs))",
        "drops units without scaling the kept ones: test-time activations are 1 / (1 - rate) "
        "times their training mean",
    ),
    _mutant(
        "generalization", "mut_dropout_at_inference", "layers.py",
        "if not training or self.rate == 0:",
        "if self.rate == 0:",
        "ignores `training`: drops units at inference too, so predictions are random",
    ),
    _mutant(
        "generalization", "mut_dropout_integer_seed", "layers.py",
        "draws = keras.random.uniform(self.mask_shape(inputs), seed=self.seed_generator,",
        "draws = keras.random.uniform(self.mask_shape(inputs), seed=self.seed,",
        "passes the integer seed to keras.random: every call draws the same mask",
    ),
    _mutant(
        "generalization", "mut_dropout_noise_shape_ignored", "layers.py",
        "draws = keras.random.uniform(self.mask_shape(inputs), seed=self.seed_generator,",
        "draws = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator,",
        "draws one mask value per unit whatever noise_shape says",
    ),
    _mutant(
        "generalization", "mut_bn_unbiased_variance", "layers.py",
        "            mean, variance = ops.moments(x, axes=self._reduction_axes)\n",
        "            mean, variance = ops.moments(x, axes=self._reduction_axes)\n"
        "            count = ops.cast(ops.size(x) // ops.size(mean), x.dtype)\n"
        "            variance = variance * count / (count - 1)\n",
        "uses the unbiased variance (divided by n - 1, NumPy's ddof=1), not the batch's own",
    ),
    _mutant(
        "generalization", "mut_bn_momentum_weighs_new_value", "layers.py",
        "            m = self.momentum\n",
        "            m = 1.0 - self.momentum\n",
        "weighs the batch's statistics by momentum and the old value by 1 - momentum (the "
        "lecture's beta * new + (1 - beta) * old with Keras's momentum)",
    ),
    _mutant(
        "generalization", "mut_bn_batch_statistics_at_inference", "layers.py",
        "        if use_batch_statistics:\n",
        "        if True:\n",
        "normalizes with the batch's statistics at inference too (and updates the moving "
        "ones there)",
    ),
    _mutant(
        "generalization", "mut_bn_training_with_moving_statistics", "layers.py",
        "                                        * (1.0 - m))\n        else:\n",
        "                                        * (1.0 - m))\n"
        "            mean, variance = self.moving_mean, self.moving_variance\n        else:\n",
        "updates the moving statistics, then normalizes the training batch with them instead "
        "of its own",
    ),
    _mutant(
        "generalization", "mut_bn_reduce_batch_axis_only", "layers.py",
        "mean, variance = ops.moments(x, axes=self._reduction_axes)",
        "mean, variance = ops.moments(x, axes=[0])",
        "averages over the batch axis only: right for 2-D inputs, wrong for images and "
        "sequences",
    ),
    _mutant(
        "generalization", "mut_bn_gamma_zeros", "layers.py",
        'name="gamma", initializer="ones",',
        'name="gamma", initializer="zeros",',
        "initializes gamma to 0, like beta: every output starts at beta",
    ),
    _mutant(
        "generalization", "mut_bn_moving_mean_trainable", "layers.py",
        'initializer="zeros", trainable=False, autocast=False)',
        'initializer="zeros", trainable=True, autocast=False)',
        "makes moving_mean trainable: the optimizer changes it too",
    ),
    _mutant(
        "generalization", "mut_bn_no_broadcast", "layers.py",
        "outputs = (x - self.broadcast(mean)) / ops.sqrt(self.broadcast(variance) + self.epsilon)",
        "outputs = (x - mean) / ops.sqrt(variance + self.epsilon)",
        "uses the statistics without reshaping them: right only when axis is the last one",
    ),
    _mutant(
        "generalization", "mut_l2_half", "regularizers.py",
        "return self.l2 * ops.sum(ops.square(weights))",
        "return 0.5 * self.l2 * ops.sum(ops.square(weights))",
        "takes the lecture's lambda / 2 * ||w||^2 with l2 as lambda: half Keras's penalty",
    ),
    _mutant(
        "generalization", "mut_l2_mean", "regularizers.py",
        "return self.l2 * ops.sum(ops.square(weights))",
        "return self.l2 * ops.mean(ops.square(weights))",
        "averages the squared weights instead of summing them",
    ),
    _mutant(
        "generalization", "mut_l1_sqrt_of_square", "regularizers.py",
        "return self.l1 * ops.sum(ops.abs(weights))",
        "return self.l1 * ops.sum(ops.sqrt(ops.square(weights)))",
        "writes |w| as sqrt(w ** 2): the same values, but the gradient at w = 0 is nan",
    ),
    _mutant(
        "generalization", "mut_l1l2_without_l1", "regularizers.py",
        "        if self.l1:\n            penalty = penalty + self.l1 * ops.sum(ops.abs(weights))\n",
        "",
        "forgets the L1 term of L1L2",
    ),
    _mutant(
        "generalization", "mut_l1l2_coefficients_swapped", "regularizers.py",
        "penalty = penalty + self.l2 * ops.sum(ops.square(weights))",
        "penalty = penalty + self.l1 * ops.sum(ops.square(weights))",
        "multiplies the squared weights by l1 (a copy-paste slip)",
    ),
    _mutant(
        "generalization", "mut_roc_no_infinite_threshold", "metrics.py",
        "return fpr, tpr, np.r_[np.inf, ranked[last]]",
        "return fpr[1:], tpr[1:], ranked[last]",
        "starts the curve at the highest score instead of at (0, 0) with threshold inf",
    ),
    _mutant(
        "generalization", "mut_roc_ascending", "metrics.py",
        "order = np.argsort(-scores, kind=\"stable\")",
        "order = np.argsort(scores, kind=\"stable\")",
        "sorts the scores in increasing order: the thresholds go the wrong way",
    ),
    _mutant(
        "generalization", "mut_auc_right_rectangles", "metrics.py",
        "return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))",
        "return float(np.sum(np.diff(fpr) * tpr[1:]))",
        "sums rectangles instead of trapezoids: a tie's diagonal counts as a full step",
    ),
    _mutant(
        "generalization", "mut_auc_ties_count_zero", "metrics.py",
        "    fpr, tpr, _ = roc_curve(y_true, scores)\n"
        "    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))\n",
        "    labels, values = _binary_scores(y_true, scores)\n"
        "    return float(np.mean(values[labels][:, None] > values[~labels][None, :]))\n",
        "counts the pairs a positive wins (Mann-Whitney) but scores a tie as a loss, not one half",
    ),
)

# -- correct variants: other code, the same results ------------------------------------
# Ways students write a rule that differ from the reference's text but not from
# its results. They must survive: a check that kills one fails correct code.
CORRECT_VARIANTS = (
    _mutant(
        "optimizers", "mut_clip_where_strictly_greater", "optimizers.py",
        "    return ops.divide(ops.multiply(gradient, limit), ops.maximum(norm, limit))\n",
        "    return ops.where(norm > limit, ops.divide(ops.multiply(gradient, limit), norm),\n"
        "                     gradient)\n",
        "clips only when norm(g) > max_norm, with ops.where, instead of the lecture's >=",
    ),
    _mutant(
        "regularization", "mut_stop_also_at_epoch_zero", "callbacks.py",
        "if self.wait >= self.patience and epoch > 0:",
        "if self.wait >= self.patience:",
        "leaves out Keras's `epoch > 0` in the stopping rule",
    ),
    _mutant(
        "regularization", "mut_no_first_epoch_weights", "callbacks.py",
        "        if self.restore_best_weights and self.best_weights is None:\n"
        "            self.best_weights = self.model.get_weights()\n"
        "            self.best_epoch = epoch\n",
        "",
        "does not keep the first monitored epoch's weights before the improvement test",
    ),
)

MUTANTS = (IRIS_BASICS + LOSSES + INITIALIZERS + OPTIMIZERS + SCHEDULES + REGULARIZATION
           + GENERALIZATION + CORRECT_VARIANTS)

# Mutant name -> why no check can kill it: the same results as the reference on
# every input the contract allows. These stay out of the kill rate.
EQUIVALENT = {
    "mut_clip_where_strictly_greater": (
        "the two rules differ only when norm(g) == max_norm, where the lecture's rescaling "
        "max_norm * g / norm(g) is g itself; for a zero gradient ops.where returns g and the "
        "0 / 0 of the other branch is never selected"
    ),
    "mut_stop_also_at_epoch_zero": (
        "the stopping rule is reached only after a non-improvement, and the first monitored "
        "epoch always improves (best is None: on_train_begin resets it), so every epoch that "
        "reaches the rule has a monitored epoch before it and is > 0 (the condition is dead "
        "code, copied from keras.callbacks.EarlyStopping, where best starts at None too)"
    ),
    "mut_no_first_epoch_weights": (
        "the first monitored epoch is always an improvement (best is None), and the "
        "improvement branch stores the same weights and epoch right after (dead code, "
        "copied from keras.callbacks.EarlyStopping 3.x)"
    ),
}
