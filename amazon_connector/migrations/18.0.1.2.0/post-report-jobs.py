# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)
"""18.0.1.2.0: reports are ``amazon.report`` records.

The listings import and the settlement fetch no longer poll or download through
jobs of their own: a job of the previous version still waiting (a listings report
requested, a settlement report to import) would call a method that is gone. They
are cancelled with a note; nothing is lost: the next listings import asks Amazon
again, and the next settlement fetch finds the reports not imported yet.
"""

#: (model, method) of the previous version's report jobs.
GONE_JOBS = (
    ("amazon.offer", "_amazon_request_listings"),
    ("amazon.offer", "_amazon_poll_listings"),
    ("amazon.settlement", "_amazon_import_report"),
)
WAITING = ("pending", "enqueued", "wait_dependencies")


def migrate(cr, version):
    if not version:
        return
    for model, method in GONE_JOBS:
        cr.execute(
            """
            UPDATE queue_job
               SET state = 'cancelled',
                   result = 'Cancelled by the upgrade to amazon.report: '
                            'import again (listings) or fetch again (settlements).'
             WHERE model_name = %s AND method_name = %s AND state IN %s
            """,
            (model, method, WAITING),
        )
