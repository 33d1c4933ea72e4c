"""Planted bugs of the regularization lab (``dlkit.callbacks.EarlyStopping``
and ``dlkit.preprocessing``)."""

from instructor.demo import PlantedBug

LAB = "regularization"
GATES = ("regularization.titanic.test_accuracy", "regularization.titanic_hidden.test_accuracy")

BUGS = (
    # -- EarlyStopping --------------------------------------------------------------
    PlantedBug(
        LAB, "bug_min_delta_from_last_value", "callbacks.py",
        "        if self._is_improvement(current, self.best):\n",
        "        last, self._last = getattr(self, \"_last\", None), current\n"
        "        beats_best = self.best is None or (current < self.best\n"
        "                                           if self.monitor_mode == \"min\"\n"
        "                                           else current > self.best)\n"
        "        if beats_best and self._is_improvement(current, last):\n",
        ("regularization.early_stopping.min_delta", "regularization.early_stopping.reuse",
         "regularization.early_stopping.min_delta_hidden",
         "regularization.early_stopping.reuse_hidden"),
        "measures min_delta from the previous epoch's value instead of the best value",
    ),
    PlantedBug(
        LAB, "bug_patience_one_epoch_late", "callbacks.py",
        "if self.wait >= self.patience and epoch > 0:",
        "if self.wait > self.patience and epoch > 0:",
        ("regularization.early_stopping.patience", "regularization.early_stopping.min_delta",
         "regularization.early_stopping.baseline", "regularization.early_stopping.start_from_epoch",
         "regularization.early_stopping.mode", "regularization.early_stopping.auto_mode",
         "regularization.early_stopping.restore", "regularization.early_stopping.missing_monitor",
         "regularization.early_stopping.reuse", "regularization.early_stopping.fit",
         "regularization.early_stopping.patience_hidden",
         "regularization.early_stopping.min_delta_hidden",
         "regularization.early_stopping.baseline_hidden",
         "regularization.early_stopping.auto_mode_hidden",
         "regularization.early_stopping.restore_hidden",
         "regularization.early_stopping.reuse_hidden", "regularization.early_stopping.fit_hidden"),
        "waits patience + 1 epochs without improvement: stops one epoch late",
    ),
    PlantedBug(
        LAB, "bug_auto_mode_minimizes_accuracy", "callbacks.py",
        'mode = "max" if direction == "up" else "min"',
        'mode = "min"',
        ("regularization.early_stopping.auto_mode", "regularization.early_stopping.auto_mode_hidden",
         "regularization.early_stopping.baseline_hidden",
         "regularization.early_stopping.restore_hidden",
         "regularization.early_stopping.reuse_hidden"),
        "mode='auto' minimizes every metric: accuracy is treated as a loss",
    ),
    PlantedBug(
        LAB, "bug_restores_last_weights", "callbacks.py",
        "        self.wait += 1\n",
        "        self.wait += 1\n"
        "        if self.restore_best_weights:\n"
        "            self.best_weights = self.model.get_weights()\n",
        ("regularization.early_stopping.restore", "regularization.early_stopping.reuse",
         "regularization.early_stopping.fit", "regularization.early_stopping.restore_hidden",
         "regularization.early_stopping.fit_hidden"),
        "keeps the weights of every epoch as best_weights: restores the last epoch's weights",
    ),
    PlantedBug(
        LAB, "bug_best_weights_never_updated", "callbacks.py",
        "            if self.restore_best_weights:\n"
        "                self.best_weights = self.model.get_weights()\n"
        "            if self.baseline",
        "            if self.baseline",
        ("regularization.early_stopping.restore", "regularization.early_stopping.reuse",
         "regularization.early_stopping.fit", "regularization.early_stopping.restore_hidden",
         "regularization.early_stopping.fit_hidden", *GATES),
        "never updates best_weights on an improvement: restores the barely trained weights "
        "of the first epoch",
    ),
    PlantedBug(
        LAB, "bug_start_from_epoch_counted_from_1", "callbacks.py",
        "if current is None or epoch < self.start_from_epoch:",
        "if current is None or epoch + 1 < self.start_from_epoch:",
        ("regularization.early_stopping.start_from_epoch", "regularization.early_stopping.restore",
         "regularization.early_stopping.start_from_epoch_hidden"),
        "counts epochs from 1, like Keras's progress bar: monitoring starts one epoch early",
    ),
    PlantedBug(
        LAB, "bug_baseline_ignored", "callbacks.py",
        "if self.baseline is None or self._is_improvement(current, self.baseline):",
        "if True:",
        ("regularization.early_stopping.baseline", "regularization.early_stopping.restore",
         "regularization.early_stopping.baseline_hidden"),
        "resets wait on every improvement, whether or not it beats the baseline",
    ),
    # -- Titanic preprocessing ------------------------------------------------------
    PlantedBug(
        LAB, "bug_scaler_fitted_on_all_rows", "preprocessing.py",
        "preprocessor = TitanicPreprocessor().fit(rows(train))",
        "preprocessor = TitanicPreprocessor().fit(records)",
        ("regularization.preprocessing.features", "regularization.preprocessing.statistics",
         "regularization.preprocessing.no_leak", "regularization.preprocessing_hidden.*", *GATES),
        "fits the preprocessing on all rows: validation and test rows leak into the medians, "
        "modes, means and standard deviations",
    ),
    PlantedBug(
        LAB, "bug_age_median_of_transformed_rows", "preprocessing.py",
        "self.age_median_ if missing else age,",
        "float(np.nanmedian([parse_age(r) for r in records])) if missing else age,",
        ("regularization.preprocessing.features", "regularization.preprocessing.no_leak",
         "regularization.preprocessing_hidden.features",
         "regularization.preprocessing_hidden.no_leak", *GATES),
        "imputes a missing age with the median of the rows being transformed: the test "
        "set's own ages leak into its features",
    ),
    PlantedBug(
        LAB, "bug_ages_filled_before_split", "preprocessing.py",
        "    preprocessor = TitanicPreprocessor().fit(rows(train))\n",
        "    median = float(np.nanmedian([parse_age(r) for r in records]))\n"
        "    records = [{**r, \"Age\": r[\"Age\"] or f\"{median}\"} for r in records]\n"
        "    preprocessor = TitanicPreprocessor().fit(rows(train))\n",
        ("regularization.preprocessing.features", "regularization.preprocessing.no_leak",
         "regularization.preprocessing_hidden.*", *GATES),
        "fills the missing ages with the median of all rows before the split (pandas' "
        "fillna before train_test_split): the test ages leak, and age_missing is lost",
    ),
    PlantedBug(
        LAB, "bug_rows_out_of_order", "preprocessing.py",
        "return [records[i] for i in indices]",
        "return [records[i] for i in sorted(indices)]",
        ("regularization.preprocessing.features", "regularization.preprocessing_hidden.features",
         *GATES),
        "sorts the split's indices: the features no longer line up with the labels "
        "(as if the labels were shuffled)",
    ),
    PlantedBug(
        LAB, "bug_returns_empty_buffer", "preprocessing.py",
        "return x.astype(np.float32)",
        "return np.zeros_like(x, dtype=np.float32)",
        ("regularization.preprocessing.features", "regularization.preprocessing.port_mode_tie",
         "regularization.preprocessing_hidden.features", *GATES),
        "returns a zero buffer instead of the features: every passenger looks the same and "
        "the model predicts one class",
    ),
)
