# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""Amazon's throttling, as queue_job's retry."""

from odoo.addons.queue_job.exception import RetryableJobError


def retry_later(error):
    """queue_job's retry of a job Amazon throttled (an ``AmazonRetryableError``),
    after the wait Amazon asked for: raise it ``from error``."""
    return RetryableJobError(str(error), seconds=max(1, int(error.retry_after + 0.999)))
