"""The grading core: the check catalog, the one probe-to-compare loop, the
worker sessions it drives, submissions and comparisons. It runs in the
grader's (or the student's) process; student code runs only in the worker
(``autograder/worker``)."""
