"""Progress of a grading batch: submissions done of total, elapsed time, an
estimate of the time left, and how many scored below full marks or had an
error so far.

On a terminal it is a tqdm progress bar; otherwise (CI, a log file) one
plain line per submission, so the log says how far a batch got.
"""

import sys
import time


def _clock(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def _counts(report):
    below = report["score"] < report["max_score"]
    errored = any(c["status"] in ("error", "timeout") for c in report["checks"])
    return below, errored


class Progress:
    """Reports a batch's progress to `stream` (default: stderr).

    Args:
        stream: where to write.
        bar: a tqdm bar (True), plain lines (False), or None: a bar when
            `stream` is a terminal. Defaults to None.
    """

    def __init__(self, stream=None, bar=None):
        self.stream = stream or sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar
        self._tqdm = None

    def start(self, total, resumed, canary):
        """`total` submissions, of which `resumed` reports were kept from an
        earlier run; `canary`: the reference is graded first."""
        self.total, self.done_count = total, len(resumed)
        self.below = sum(_counts(r)[0] for r in resumed)
        self.errored = sum(_counts(r)[1] for r in resumed)
        self.started = time.monotonic()
        self.fresh = 0  # graded in this run (the estimate uses these only)
        if resumed:
            self._line(f"resuming: {len(resumed)} of {total} submissions were graded before "
                       "(same content, same checks); grading the other "
                       f"{total - len(resumed)}")
        if canary:
            self._line("grading the reference solution first (the canary): "
                       "a batch whose reference loses a point stops")
        if self.bar:
            from tqdm import tqdm

            self._tqdm = tqdm(total=total, initial=self.done_count, unit="submission",
                              file=self.stream, desc="grading", dynamic_ncols=True)
            self._tqdm.set_postfix_str(self._tally())

    def canary_passed(self):
        self._line("the reference solution got full marks: grading goes on")

    def done(self, report):
        below, errored = _counts(report)
        self.done_count += 1
        self.fresh += 1
        self.below += below
        self.errored += errored
        if self._tqdm is not None:
            self._tqdm.set_postfix_str(self._tally(), refresh=False)
            self._tqdm.update(1)
            return
        elapsed = time.monotonic() - self.started
        left = self.total - self.done_count
        eta = _clock(elapsed / self.fresh * left) if left else "0:00"
        print(f"[{self.done_count}/{self.total}] {report['submission']}: "
              f"{report['score']:g} / {report['max_score']:g}  (elapsed {_clock(elapsed)}, "
              f"left ~{eta}; {self._tally()})", file=self.stream, flush=True)

    def close(self):
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None

    def _tally(self):
        return f"{self.below} below full marks, {self.errored} with errors"

    def _line(self, text):
        if self._tqdm is not None:
            self._tqdm.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)
