# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Run trapped queue jobs one by one, as queue_job's runner would, in ETA order,
including the jobs they queue (the next page of an import window...)."""

import contextlib
from datetime import datetime

from odoo.tests import common as odoo_tests_common

from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError

# queue_job's test helpers register themselves in SETATTR_SOURCES, which Odoo 18
# snapshots older than the check it serves do not have; without the check an empty
# registry changes nothing.
if not hasattr(odoo_tests_common, "SETATTR_SOURCES"):
    odoo_tests_common.SETATTR_SOURCES = {}
from odoo.addons.queue_job.tests.common import trap_jobs

from .quota import QUOTA_CLOCK


class JobRun:
    """What :func:`run_jobs` did: each job performed (with its retries) and its
    result, and the delays the jobs asked for (ETAs and retry waits), in seconds."""

    def __init__(self):
        self.performed = []  # (job, result or exception) per attempt
        self.delays = []

    @property
    def results(self):
        return [outcome for _job, outcome in self.performed]

    @property
    def last_result(self):
        return self.results[-1] if self.performed else None

    def methods(self):
        return [job.method_name for job, _outcome in self.performed]


@contextlib.contextmanager
def run_jobs(*, retry=False, max_jobs=500):
    """Trap the jobs queued in the block, then perform them (and those they queue)
    until none is left; yields a :class:`JobRun` filled when the block exits.

    A job that raises ``RetryableJobError`` is performed again after its delay when
    ``retry`` is true (its ``max_retries`` still apply: it then fails, like in
    production, and the run goes on with the others); otherwise the error is
    raised at once. The waits are recorded in ``JobRun.delays``, never slept: the
    quota clock (``quota.QUOTA_CLOCK``) moves forward by each of them instead, so
    Amazon's quotas have refilled as much as they would have by then.
    """
    run = JobRun()
    with trap_jobs() as trap:
        yield run
        while trap.enqueued_jobs:
            if len(run.performed) >= max_jobs:
                raise AssertionError(f"more than {max_jobs} jobs: a job loops")
            trap.enqueued_jobs.sort(key=lambda j: (j.eta is not None, j.eta or 0))
            job = trap.enqueued_jobs.pop(0)
            if job.eta:
                delay = max(0.0, (job.eta - datetime.now()).total_seconds())
                run.delays.append(delay)
                QUOTA_CLOCK.advance(delay)
            try:
                result = job.perform()
            except RetryableJobError as error:
                run.performed.append((job, error))
                if not retry:
                    raise
                run.delays.append(error.seconds)
                QUOTA_CLOCK.advance(error.seconds or 0)
                trap.enqueued_jobs.insert(0, job)
                job.eta = None
                continue
            except FailedJobError as error:
                run.performed.append((job, error))
                continue
            run.performed.append((job, result))
