# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Amazon's quotas in the tests, on a clock the tests move forward.

The simulator enforces Amazon's usage plans (rate and burst per operation, read from
Amazon's models) in every test. Waiting for them would make the suite take hours
(searchOrders: one call every 3 minutes once its burst of 20 is spent), so the
simulator's buckets, the connector's own throttle and the waits of the adapter all
run on :data:`QUOTA_CLOCK`: the real monotonic clock plus the time the tests skipped.
A wait of the adapter advances it instead of sleeping; the job runner
(``job_runner.run_jobs``) advances it to each job's ETA or retry delay before
performing the job, as queue_job would wait for it; each test starts a day later
than the previous one (every quota full again, as after a quiet night).

A test class that cannot run under Amazon's quotas says so, by name and with its
reason: ``@unlimited_quota("why")``.
"""

import threading
import time

#: Seconds skipped between two tests: every bucket is full again.
BETWEEN_TESTS = 24 * 3600.0


class QuotaClock:
    """Monotonic seconds that the tests move forward: the real clock plus what
    :meth:`advance` added. :meth:`sleep` advances it and takes no real time."""

    def __init__(self, base=time.monotonic):
        self._base = base
        self._offset = 0.0
        self._lock = threading.Lock()

    def __call__(self):
        return self._base() + self._offset

    def advance(self, seconds):
        with self._lock:
            self._offset += max(0.0, float(seconds))

    def sleep(self, seconds):
        self.advance(seconds)

    @property
    def skipped(self):
        """Seconds added so far."""
        return self._offset


#: The one quota clock of the test process (the simulators, the connector's
#: throttle, the job runner).
QUOTA_CLOCK = QuotaClock()


def unlimited_quota(reason):
    """Class decorator of an ``AmazonSimulatorCommon`` test class whose simulator
    serves without enforcing Amazon's quotas, for ``reason`` (required)."""
    if not (reason or "").strip():
        raise ValueError("unlimited_quota needs the reason why")

    def decorate(cls):
        cls.simulator_unlimited_quota = reason
        return cls

    return decorate
