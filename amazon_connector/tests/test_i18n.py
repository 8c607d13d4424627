# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

import io
import os
import re
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


#: The languages the addon ships, by the .po file's code and Odoo's language code.
LANGUAGES = {"de": "de_DE", "fr": "fr_FR", "it": "it_IT", "es": "es_ES"}
#: Amazon's own words: a translation keeps them as they are.
AMAZON_TERMS = ("Amazon", "FBA", "FBM", "ASIN", "FNSKU", "SKU", "SP-API", "Prime")
#: What a translation must carry over from its source: printf placeholders, the
#: named braces of format strings and QWeb/HTML tags.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sdfr%]|\{\w*\}")
TAG = re.compile(r"</?([a-zA-Z][\w-]*)")
README = POT.parent.parent / "readme"
README_FRAGMENTS = ("DESCRIPTION.md", "USAGE.md", "CONFIGURE.md")


def _words(text, term):
    return len(re.findall(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text))


def translation_problems(po, pot):
    """What is wrong with the translation ``po`` of the template ``pot`` (both
    polib files): missing or stale entries, untranslated or fuzzy ones,
    placeholders, tags or Amazon's terms not carried over."""
    problems = []
    expected = {(e.msgctxt, e.msgid) for e in pot}
    present = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    problems += [f"missing: {msgid!r}" for _c, msgid in sorted(expected - present)]
    problems += [f"stale: {msgid!r}" for _c, msgid in sorted(present - expected)]
    for entry in po:
        if entry.obsolete or (entry.msgctxt, entry.msgid) not in expected:
            continue
        source, text = entry.msgid, entry.msgstr
        if not text.strip() or "fuzzy" in entry.flags:
            problems.append(f"untranslated: {source!r}")
            continue
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            problems.append(f"placeholders differ: {source!r} -> {text!r}")
        if sorted(TAG.findall(source)) != sorted(TAG.findall(text)):
            problems.append(f"tags differ: {source!r} -> {text!r}")
        for term in AMAZON_TERMS:
            # "Amazon-Auftrag", "Amazons": compounds keep the word as it is.
            if _words(source, term) and term not in text:
                problems.append(f"{term} translated: {source!r} -> {text!r}")
    return problems


def _headings(text):
    return [line.split(" ", 1)[0] for line in text.splitlines() if line.startswith("#")]


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """German, French, Italian and Spanish are complete: every term of the
    template translated, its placeholders and Amazon's own words kept."""

    def test_each_language_translates_the_whole_template(self):
        pot = polib.pofile(POT.read_text())
        for code in LANGUAGES:
            with self.subTest(language=code):
                path = POT.parent / f"{code}.po"
                self.assertTrue(path.exists(), f"i18n/{code}.po is missing")
                problems = translation_problems(polib.pofile(path.read_text()), pot)
                self.assertFalse(
                    problems,
                    f"i18n/{code}.po: {len(problems)} problem(s), first: "
                    f"{problems[:5]}",
                )

    def test_the_check_finds_what_a_translator_gets_wrong(self):
        pot = polib.POFile()
        for msgid in ("Send %(count)s offers to Amazon", "<b>Shipped</b>", "Stock"):
            pot.append(polib.POEntry(msgid=msgid))
        po = polib.POFile()
        po.append(polib.POEntry(msgid=pot[0].msgid, msgstr="%(n)s Angebote senden"))
        po.append(polib.POEntry(msgid=pot[1].msgid, msgstr="Versandt"))
        po.append(polib.POEntry(msgid="Gone", msgstr="Weg"))
        problems = translation_problems(po, pot)
        self.assertEqual(
            [problem.split(":")[0] for problem in problems],
            [
                "missing",
                "stale",
                "placeholders differ",
                "Amazon translated",
                "tags differ",
            ],
        )

    def test_odoo_reads_the_translations(self):
        Lang = self.env["res.lang"].with_context(active_test=False)
        for code, lang in LANGUAGES.items():
            with self.subTest(language=code):
                Lang._activate_lang(lang)
                self.env["ir.module.module"]._load_module_terms(
                    ["amazon_connector"], [lang], overwrite=True
                )
                po = polib.pofile((POT.parent / f"{code}.po").read_text())
                label = self.env["amazon.account"]._fields["vat_invoice_upload"]
                expected = next(
                    e.msgstr for e in po if e.msgid == label.string and not e.msgctxt
                )
                described = (
                    self.env["amazon.account"]
                    .with_context(lang=lang)
                    .fields_get(["vat_invoice_upload"], ["string"])
                )
                self.assertEqual(described["vat_invoice_upload"]["string"], expected)
                self.assertNotEqual(expected, label.string)

    def test_readme_fragments_are_translated(self):
        for code in LANGUAGES:
            for name in README_FRAGMENTS:
                with self.subTest(language=code, fragment=name):
                    english = (README / name).read_text()
                    path = README / code / name
                    self.assertTrue(path.exists(), f"readme/{code}/{name} is missing")
                    translated = path.read_text()
                    self.assertEqual(_headings(translated), _headings(english))
                    self.assertEqual(
                        re.findall(r"\]\(([^)]+)\)", translated),
                        re.findall(r"\]\(([^)]+)\)", english),
                        "the same links and pictures, in the same order",
                    )
                    self.assertNotEqual(translated, english)
