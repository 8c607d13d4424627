/**
 * The accountant: uploads a settlement file on the Amazon account; it books, and
 * the invoice of the order it settles shows Paid (tests/test_tours.py).
 */
import { registry } from "@web/core/registry";
import { openApp, openMenu, screenshot, statusIs, tourData } from "./tour_utils";

registry.category("web_tour.tours").add("amazon_accountant", {
    steps: () => {
        const data = tourData();
        return [
            ...openMenu(
                "Amazon › Accounts",
                "amazon_connector.menu_amazon_root",
                "amazon_connector.menu_amazon_account"
            ),
            {
                content: "Open the account",
                trigger: `.o_data_row:contains(${data.account}) .o_data_cell`,
                run: "click",
            },
            {
                content: "Upload a settlement",
                trigger: "button[name=action_upload_settlement]",
                run: "click",
            },
            {
                content: "Choose the settlement file",
                trigger: ".modal .o_field_widget[name=file] input[type=file]:not(:visible)",
                async run() {
                    const file = new File([data.settlement], "settlement.txt", {
                        type: "text/plain",
                    });
                    const transfer = new DataTransfer();
                    transfer.items.add(file);
                    this.anchor.files = transfer.files;
                    this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
                },
            },
            {
                content: "The file is read",
                trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
            },
            {
                content: "Import it",
                trigger: ".modal button[name=action_import]",
                run: "click",
            },
            statusIs(
                "Booked",
                "The settlement is booked",
                `.o_form_view:has(.o_field_widget[name=settlement_ref]:contains(${data.settlement_ref}))`
            ),
            screenshot("settlement", ".o_field_widget[name=total_amount]"),
            ...openApp("Invoicing", "account.menu_finance"),
            ...openMenu(
                "Customers › Invoices",
                "account.menu_finance_receivables",
                "account.menu_action_move_out_invoice_type"
            ),
            {
                content: "Open the invoice of the order",
                trigger: `.o_data_row:contains(${data.invoice}) .o_data_cell`,
                run: "click",
            },
            {
                content: "The invoice is paid",
                trigger: ".o_form_view .ribbon:contains(Paid)",
            },
            screenshot("invoice_paid", ".o_form_view .ribbon:contains(Paid)"),
        ];
    },
});
