"""Wire format between the grader and its worker: one JSON object per line."""

import json


def encode(message):
    return (json.dumps(message, allow_nan=True) + "\n").encode("utf-8")


def decode(line):
    return json.loads(line.decode("utf-8"))


# The request a fresh worker gets first: import every module of the
# student's package (answers {module: error type} for those that failed).
IMPORT_PACKAGE = "__import_package__"
