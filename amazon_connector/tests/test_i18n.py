# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import io
import os
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

POT = Path(__file__).resolve().parent.parent / "i18n" / "amazon_connector.pot"


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    def test_pot_holds_every_translatable_term(self):
        """i18n/amazon_connector.pot is what Odoo exports for the addon.

        Refresh it with ``AMAZON_UPDATE_POT=1 ./tools/run-tests
        amazon_connector/tests/test_i18n.py``.
        """
        buffer = io.BytesIO()
        trans_export(False, ["amazon_connector"], buffer, "po", self.env.cr)
        exported = buffer.getvalue().decode()
        if os.environ.get("AMAZON_UPDATE_POT"):
            POT.write_text(exported)
        expected = {(e.msgctxt, e.msgid) for e in polib.pofile(exported)}
        committed = {(e.msgctxt, e.msgid) for e in polib.pofile(POT.read_text())}
        self.assertTrue(expected)
        missing = sorted(msgid for _ctx, msgid in expected - committed)
        stale = sorted(msgid for _ctx, msgid in committed - expected)
        self.assertFalse(
            missing or stale,
            f"i18n/amazon_connector.pot is out of date (missing: {missing[:5]}, "
            f"stale: {stale[:5]}): refresh it as this test's docstring says",
        )
