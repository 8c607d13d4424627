/**
 * Stock and prices: an offer's form explains its available-to-sell figure, and
 * Send to Amazon sends it (tests/test_tours.py).
 */
import { registry } from "@web/core/registry";
import { openMenu, screenshot, tourData } from "./tour_utils";

registry.category("web_tour.tours").add("amazon_stock", {
    steps: () => {
        const data = tourData();
        return [
            ...openMenu(
                "Amazon › Offers",
                "amazon_connector.menu_amazon_root",
                "amazon_connector.menu_amazon_offer"
            ),
            {
                content: "Unfold the account's offers",
                trigger: ".o_group_header",
                run: "click",
            },
            {
                content: "Open the offer",
                trigger: `.o_data_row:contains(${data.sku}) .o_data_cell`,
                run: "click",
            },
            {
                content: "The form explains the quantity to send",
                trigger: `.o_field_widget[name=availability_note]:contains(${data.note})`,
            },
            {
                content: "Available to sell",
                trigger: `.o_field_widget[name=available_qty]:contains(${data.quantity})`,
            },
            screenshot("offer", ".o_field_widget[name=availability_note]"),
            {
                content: "Send it to Amazon",
                trigger: "button[name=action_export]",
                run: "click",
            },
            {
                content: "Amazon has the quantity",
                trigger: `.o_field_widget[name=last_sent_qty]:contains(${data.quantity})`,
            },
        ];
    },
});
