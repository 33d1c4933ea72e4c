"""Planted bugs of the schedules lab (``dlkit.callbacks``)."""

from instructor.demo import PlantedBug

BUGS = (
    PlantedBug(
        "schedules", "bug_step_decay_off_by_one", "callbacks.py",
        "exponent = math.floor(step / self.epochs_per_drop)",
        "exponent = math.floor((step + 1) / self.epochs_per_drop)",
        ("schedules.step_decay.rates", "schedules.step_decay.logs", "schedules.step_decay.fit",
         "schedules.step_decay_hidden.*"),
        "counts epochs from 1 like the lecture, so every drop comes one epoch early",
    ),
    PlantedBug(
        "schedules", "bug_batch_index_not_global", "callbacks.py",
        "iteration = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))",
        "iteration = batch",
        ("schedules.inverse_time_per_batch.*", "schedules.exponential_per_batch.*",
         "schedules.cyclic.rates", "schedules.cyclic.logs", "schedules.cyclic.fit",
         "schedules.cyclic_triangular2.*", "schedules.cyclic_exp_range.*",
         "schedules.inverse_time_hidden.*", "schedules.cyclic_hidden.*",
         "schedules.cyclic_hidden_exp_range.*"),
        "uses the batch index within the epoch, which restarts at 0 every epoch",
    ),
    PlantedBug(
        "schedules", "bug_no_rate_in_logs", "callbacks.py",
        'logs["learning_rate"] = _as_float(self.model.optimizer.learning_rate)',
        "pass",
        ("schedules.*.logs",),
        "never records logs['learning_rate'], so History has no learning-rate curve",
    ),
    PlantedBug(
        "schedules", "bug_triangular2_scale", "callbacks.py",
        "scale = 1.0 / 2.0 ** (cycle - 1)",
        "scale = 1.0 / 2.0**cycle",
        ("schedules.cyclic_triangular2.rates", "schedules.cyclic_triangular2.logs",
         "schedules.cyclic_hidden.*"),
        "halves the amplitude from the first cycle on",
    ),
    PlantedBug(
        "schedules", "bug_exponential_keras_base", "callbacks.py",
        "return float(self.initial_learning_rate * math.exp(-self.decay_rate * step))",
        "return float(self.initial_learning_rate * self.decay_rate**step)",
        ("schedules.exponential.rates", "schedules.exponential.logs",
         "schedules.exponential.fit", "schedules.exponential_per_batch.*",
         "schedules.exponential_hidden.*"),
        "uses Keras's meaning of decay_rate (a base) instead of the exponent's factor",
    ),
    PlantedBug(
        "schedules", "bug_drop_not_validated", "callbacks.py",
        '        check_in_range("drop", drop, 0, 1)\n',
        "",
        ("schedules.step_decay.errors",),
        "accepts drop > 1, a schedule that grows the rate",
    ),
)
