"""TensorFlow graph options of the grading worker.

Grappler's graph rewrites cost more than they save on graphs this small that
run a few hundred times: every probe traces its own functions. They also move
results in the last bits, so whatever reruns a probe to compare with the
worker (the oracles) sets the same options.
"""

GRAPH_OPTIONS = {"disable_meta_optimizer": True}
