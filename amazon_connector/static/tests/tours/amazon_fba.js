/**
 * FBA inventory: the seller reads Amazon's ledger rows as Odoo moved them, the
 * product whose FBA quantity differs from Amazon's, and the account's FBA page
 * (tests/test_tours.py).
 */
import { registry } from "@web/core/registry";
import { openMenu, screenshot, tourData } from "./tour_utils";

registry.category("web_tour.tours").add("amazon_fba", {
    steps: () => {
        const data = tourData();
        return [
            ...openMenu(
                "Amazon › FBA Ledger",
                "amazon_connector.menu_amazon_root",
                "amazon_connector.menu_amazon_fba_event"
            ),
            {
                content: "The ledger's list is shown",
                trigger: ".o_breadcrumb:contains(FBA Ledger)",
            },
            {
                content: "The receipt at Amazon moved its units",
                trigger: `.o_data_row:contains(${data.sku}):contains(Receipts):contains(Moved)`,
            },
            screenshot("fba_ledger", ".o_list_renderer"),
            ...openMenu(
                "Amazon › FBA Differences",
                "amazon_connector.menu_amazon_root",
                "amazon_connector.menu_amazon_fba_difference"
            ),
            {
                // The ledger's list names the product too: wait for this one.
                content: "The differences' list is shown",
                trigger: ".o_breadcrumb:contains(FBA Differences)",
            },
            {
                content: "The product Odoo holds one more of than Amazon is listed",
                trigger: `.o_data_row:contains(${data.product})`,
            },
            screenshot("fba_differences", ".o_list_renderer"),
            ...openMenu(
                "Amazon › Accounts",
                "amazon_connector.menu_amazon_root",
                "amazon_connector.menu_amazon_account"
            ),
            {
                // The differences' list names the account too: wait for this one.
                content: "The accounts' list is shown",
                trigger: ".o_breadcrumb:contains(Amazon Accounts)",
            },
            {
                content: "Open the account",
                trigger: `.o_data_row:contains(${data.account}) .o_data_cell`,
                run: "click",
            },
            {
                content: "Open its FBA page",
                trigger: ".o_notebook .nav-link[name=fba]",
                run: "click",
            },
            {
                content: "The FBA page names the account's locations",
                trigger: `.o_notebook .tab-pane.active:contains(${data.location})`,
            },
            screenshot("account_fba", ".o_form_view"),
        ];
    },
});
