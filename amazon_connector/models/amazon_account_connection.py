# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import contextlib

from odoo import _, models
from odoo.exceptions import UserError

from ..amazon.adapter import SpApiAdapter
from ..amazon.credentials import AmazonCredentials
from ..amazon.errors import AmazonAuthError, AmazonError, AmazonPermanentError
from .amazon_job import AmazonJobBlocked

SECRET_FIELDS = ("lwa_client_secret", "refresh_token")


class AmazonAccount(models.Model):
    """The account's connection to Amazon: its credentials, the SP-API session
    (plain, or as a job opens it), what a refused call leaves on the account, the
    last run of each synchronisation."""

    # One model in several files, each named for the part it holds.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "amazon.account"

    def _amazon_credentials(self):
        """Return the account's credentials, or raise naming the missing field."""
        self.ensure_one()
        account = self.sudo()
        missing = account._amazon_missing_credentials()
        if missing:
            raise UserError(
                _(
                    "The Amazon account %(account)s cannot connect: fill in %(fields)s.",
                    account=self.name,
                    fields=", ".join(missing),
                )
            )
        return AmazonCredentials(
            client_id=account.lwa_client_id.strip(),
            client_secret=account.lwa_client_secret.strip(),
            refresh_token=account.refresh_token.strip(),
        )

    def _amazon_missing_credentials(self):
        """The labels of the credential fields left empty (read as superuser)."""
        self.ensure_one()
        account = self.sudo()
        return [
            account._fields[name].string
            for name in ("lwa_client_id", *SECRET_FIELDS)
            if not (account[name] or "").strip()
        ]

    def _amazon_job_blocker(self):
        """Why a job may not call Amazon for this account now, or None.

        Checked when every job that calls Amazon starts: a job queued before the
        database was copied (neutralized: accounts archived, secrets emptied), or
        before the account was archived or disconnected, does nothing and says why
        in its result."""
        self.ensure_one()
        account = self.sudo().with_context(active_test=False)
        if not account.exists():
            return self.env._("Nothing done: the Amazon account no longer exists.")
        if not account.active:
            return self.env._(
                "Nothing done: the Amazon account %s is archived.", account.name
            )
        if account.state == "draft":
            return self.env._(
                "Nothing done: the Amazon account %s is not connected "
                "(Test Connection first).",
                account.name,
            )
        missing = account._amazon_missing_credentials()
        if missing:
            return self.env._(
                "Nothing done: the Amazon account %(account)s has no %(fields)s.",
                account=account.name,
                fields=", ".join(missing),
            )
        return None

    @contextlib.contextmanager
    def _amazon_session(self, **adapter_options):
        """Yield an SP-API adapter for this account; log its calls when done.

        The calls are written to the API log on a separate cursor at the end of the
        block, whether it succeeded or not.
        """
        self.ensure_one()
        credentials = self._amazon_credentials()
        account = self.sudo()
        calls = []
        adapter = SpApiAdapter(
            credentials,
            account.region,
            seller_id=account.seller_id,
            endpoint_url=(account.api_endpoint or "").strip() or None,
            token_url=(account.lwa_token_url or "").strip() or None,
            account_key=f"{self.env.cr.dbname}:{account.id}",
            on_call=calls.append,
            **adapter_options,
        )
        try:
            yield adapter
        finally:
            self.env["amazon.api.log"]._record_calls(account, calls)

    def _amazon_job_check(self, error=AmazonJobBlocked):
        """Raise ``error`` when a job may not call Amazon for this account now:
        ``AmazonJobBlocked`` (see ``amazon_job``) for a job that works on its
        records before it opens the session, or that only queues the jobs that
        will; ``UserError`` for a button that queues them (the user is told
        why, nothing is queued)."""
        for account in self:
            blocked = account._amazon_job_blocker()
            if blocked:
                raise error(blocked)

    @contextlib.contextmanager
    def _amazon_job_session(self, **adapter_options):
        """The account's SP-API session as a job opens it (see ``amazon_job``):
        raises ``AmazonJobBlocked`` when the account may not call Amazon now;
        marks the account when Amazon refuses its credentials; a refusal of
        Amazon leaves the block carrying the account (``amazon_account``)."""
        self._amazon_job_check()
        try:
            with self._amazon_session(**adapter_options) as adapter:
                yield adapter
        except AmazonPermanentError as error:
            if isinstance(error, AmazonAuthError):
                self._amazon_mark_error(error)
            error.amazon_account = self
            raise

    def _amazon_record_run(self, kind, summary, failed=False):
        """Keep ``summary`` as the last run of the synchronisation ``kind``
        (``amazon.sync.run``) of each account: now, done or ``failed``.

        Called where a synchronisation ends, in the job's own transaction, for
        success and for the failures the job catches and stores (on the
        account, a delivery, a feed, an offer, an import record). A job that
        raises to be retried records nothing: queue_job shows it."""
        self.env["amazon.sync.run"].sudo()._amazon_upsert(
            self, kind, summary, failed=failed
        )

    def _amazon_mark_error(self, error):
        """Record a failed call on the account (state and last error)."""
        message = str(error)
        if isinstance(error, AmazonAuthError):
            message = _(
                "Amazon refused the credentials (Refresh Token, LWA Client ID or "
                "Secret): reconnect the account. Amazon said: %s",
                error,
            )
        self.write({"state": "error", "last_error": message})
        return message

    def action_test_connection(self):
        """Make one cheap authenticated call and report the outcome."""
        self.ensure_one()
        try:
            with self._amazon_session(max_attempts=2) as adapter:
                participations = adapter.get_marketplace_participations()
        except AmazonError as error:
            message = self._amazon_mark_error(error)
            return self._notify(_("Connection failed"), message, "danger", sticky=True)
        self.write({"state": "connected", "last_error": False})
        return self._notify(
            _("Connection succeeded"),
            _(
                "Amazon answered for %(count)s marketplace(s).",
                count=len(participations),
            ),
            "success",
        )
