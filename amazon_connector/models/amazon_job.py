# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""The frame of every queue job that calls Amazon.

A job method is decorated with :func:`amazon_job` and opens Amazon with
``account._amazon_job_session()`` (``amazon.account``). Between them they do what
every such job must, in one place:

- the account may call Amazon (it exists, is active, connected, has its
  credentials): otherwise the session raises :class:`AmazonJobBlocked` and the job
  ends doing nothing, its result saying why (a job queued before the database was
  copied and neutralized, or before the account was archived);
- the calls of the session are written to the API log;
- Amazon refusing the credentials marks the account (state and last error);
- Amazon's throttling (``AmazonRetryableError``) becomes queue_job's retry after
  the wait Amazon asked for;
- with ``kind``, a refusal the job did not handle itself is recorded as a failed
  run of that synchronisation (``amazon.sync.run``) and ends the job with
  Amazon's message instead of failing it: a job queue retry would not change
  Amazon's answer.

Jobs are queued with ``with_delay()`` and the queueing method returns the job:
queue_job's no-delay mode (its context key, for scripts) runs it at once, and its
``result`` then holds the outcome; tests trap the jobs (``trap_jobs()``) and run
them.
"""

import functools
import logging

from odoo.addons.queue_job.exception import RetryableJobError

from ..amazon.errors import AmazonPermanentError, AmazonRetryableError

_logger = logging.getLogger(__name__)


class AmazonJobBlocked(Exception):
    """The account may not call Amazon now; the message says why."""


def retry_later(error):
    """queue_job's retry of a job Amazon throttled (an ``AmazonRetryableError``),
    after the wait Amazon asked for: raise it ``from error``."""
    return RetryableJobError(str(error), seconds=max(1, int(error.retry_after + 0.999)))


def amazon_job(method=None, *, kind=None):
    """Decorate a job method that calls Amazon (see the module's docstring).

    ``kind``: the synchronisation (``amazon.sync.run`` kind) whose failed run an
    unhandled refusal of Amazon records, for the account of the refusal.
    """
    if method is None:
        return functools.partial(amazon_job, kind=kind)

    @functools.wraps(method)
    def job(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except AmazonJobBlocked as blocked:
            return str(blocked)
        except AmazonRetryableError as error:
            raise retry_later(error) from error
        except AmazonPermanentError as error:
            account = getattr(error, "amazon_account", None)
            if kind is None or account is None:
                raise
            message = self.env._("Amazon refused: %s", error)
            _logger.warning("Amazon job %s failed: %s", method.__name__, error)
            account._amazon_record_run(kind, message, failed=True)
            return message

    return job
