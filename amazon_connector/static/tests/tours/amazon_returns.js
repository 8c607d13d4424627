/**
 * Returns: the seller finds the Amazon return the daily fetch made, opens its
 * return transfer, receives it, and the return shows Received
 * (tests/test_tours.py).
 */
import { registry } from "@web/core/registry";
import { openMenu, screenshot, statusIs, tourData } from "./tour_utils";

registry.category("web_tour.tours").add("amazon_returns", {
    steps: () => {
        const data = tourData();
        return [
            ...openMenu(
                "Amazon › Returns",
                "amazon_connector.menu_amazon_root",
                "amazon_connector.menu_amazon_return"
            ),
            {
                content: "The return of the order is to receive",
                trigger: `.o_data_row:contains(${data.order_ref}):contains(To Receive)`,
            },
            screenshot("returns", ".o_list_renderer"),
            {
                content: "Open the return",
                trigger: `.o_data_row:contains(${data.order_ref}) .o_data_cell`,
                run: "click",
            },
            {
                content: "Amazon's reason is on the return",
                trigger: `.o_field_widget[name=reason]:contains(${data.reason})`,
            },
            screenshot("return", ".o_form_view"),
            {
                content: "Open its return transfer",
                trigger: ".o_field_widget[name=picking_id] a",
                run: "click",
            },
            {
                content: "Receive the returned units",
                trigger: ".o_statusbar_buttons button[name=button_validate]",
                run: "click",
            },
            statusIs("Done", "The transfer is done"),
            {
                content: "Back to the return",
                trigger: ".o_breadcrumb .breadcrumb-item:last-of-type a",
                run: "click",
            },
            statusIs("Received", "The return is received"),
        ];
    },
});
