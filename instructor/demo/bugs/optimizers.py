"""Planted bugs of the optimizers lab (``dlkit.optimizers``)."""

from instructor.demo import PlantedBug


# The checks that compare an optimizer's numbers with Keras (not the
# plumbing: config, save/load and errors stay right when the rule is wrong).
def _numbers(prefix, options=True):
    patterns = (f"optimizers.{prefix}.hand_step", f"optimizers.{prefix}.trajectory",
                f"optimizers.{prefix}.slots")
    return patterns + ((f"optimizers.{prefix}.options",) if options else ())


BUGS = (
    PlantedBug(
        "optimizers", "bug_adam_no_bias_correction", "optimizers.py",
        "alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)",
        "alpha = lr",
        (*_numbers("adam"), *_numbers("adam_hidden")),
        "drops Adam's bias correction: the first steps are far too small (m and v start at 0)",
    ),
    PlantedBug(
        "optimizers", "bug_adam_epsilon_inside_sqrt", "optimizers.py",
        "ops.add(ops.sqrt(v), self.epsilon)",
        "ops.sqrt(ops.add(v, self.epsilon))",
        (*_numbers("adam"), *_numbers("adam_hidden")),
        "puts Adam's epsilon under the square root, where Adagrad and RMSprop have it",
    ),
    PlantedBug(
        "optimizers", "bug_adam_lecture_epsilon", "optimizers.py",
        "ops.add(ops.sqrt(v), self.epsilon)",
        "ops.add(ops.sqrt(v), self.epsilon * ops.sqrt(1 - beta_2_power))",
        (*_numbers("adam", options=False), *_numbers("adam_hidden")),
        "divides by sqrt(v_hat) + epsilon as the lecture writes it: Keras adds epsilon to the "
        "uncorrected sqrt(v), a larger epsilon in the lecture's terms",
    ),
    PlantedBug(
        "optimizers", "bug_sgd_change_added", "optimizers.py",
        "self.assign(velocity, ops.subtract(ops.multiply(velocity, momentum),",
        "self.assign(velocity, ops.add(ops.multiply(velocity, momentum),",
        (*_numbers("sgd"), *_numbers("sgd_nesterov"), "optimizers.sgd.*_gate",
         *_numbers("sgd_hidden"), *_numbers("sgd_hidden_nesterov")),
        "mixes the two conventions: the lecture's change (momentum * change + lr * g) added "
        "to w as Keras adds its velocity, so SGD climbs the loss",
    ),
    PlantedBug(
        "optimizers", "bug_sgd_nesterov_as_plain", "optimizers.py",
        "            self.assign_add(variable, ops.subtract(ops.multiply(velocity, momentum),\n"
        "                                                   ops.multiply(gradient, lr)))\n",
        "            self.assign_add(variable, velocity)\n",
        (*_numbers("sgd_nesterov"), *_numbers("sgd_hidden_nesterov")),
        "ignores nesterov=True: Nesterov momentum steps like plain momentum",
    ),
    PlantedBug(
        "optimizers", "bug_adagrad_zero_accumulator", "optimizers.py",
        "initializer = keras.initializers.Constant(self.initial_accumulator_value)",
        'initializer = "zeros"',
        (*_numbers("adagrad"), *_numbers("adagrad_hidden")),
        "starts the accumulator at 0 instead of initial_accumulator_value: the first step "
        "is lr * g / |g|, a full-size step whatever the gradient",
    ),
    PlantedBug(
        "optimizers", "bug_rmsprop_rho_for_gradient", "optimizers.py",
        "ops.multiply(1 - self.rho, ops.square(gradient))",
        "ops.multiply(self.rho, ops.square(gradient))",
        (*_numbers("rmsprop"), *_numbers("rmsprop_hidden")),
        "weights the new squared gradient by rho instead of 1 - rho",
    ),
    PlantedBug(
        "optimizers", "bug_rmsprop_epsilon_outside_sqrt", "optimizers.py",
        "ops.sqrt(ops.add(velocity, self.epsilon))",
        "ops.add(ops.sqrt(velocity), self.epsilon)",
        (*_numbers("rmsprop", options=False), *_numbers("rmsprop_hidden")),
        "adds epsilon after the square root (the CS231n form); Keras adds it under the root",
    ),
    PlantedBug(
        "optimizers", "bug_clip_always", "optimizers.py",
        "return ops.divide(ops.multiply(gradient, limit), ops.maximum(norm, limit))",
        "return ops.divide(ops.multiply(gradient, limit), norm)",
        ("optimizers.clipping.clip_by_norm", "optimizers.clipping.traced",
         "optimizers.clipping_hidden.clip_by_norm"),
        "rescales every gradient to norm max_norm, also those below it (and 0 / 0 for a "
        "zero gradient)",
    ),
)
