/**
 * The warehouse: validates the delivery of an Amazon order with a carrier and a
 * tracking number; the delivery shows Confirmed to Amazon (tests/test_tours.py).
 */
import { registry } from "@web/core/registry";
import { openMenu, screenshot, statusIs, tourData } from "./tour_utils";

registry.category("web_tour.tours").add("amazon_warehouse", {
    steps: () => {
        const data = tourData();
        return [
            ...openMenu("Operations › Deliveries", "stock.menu_stock_warehouse_mgmt", "stock.out_picking"),
            {
                content: "Open the delivery of the Amazon order",
                trigger: `.o_data_row:contains(${data.picking}) .o_data_cell`,
                run: "click",
            },
            {
                content: "Open Additional Info",
                trigger: ".o_notebook a.nav-link[name=extra]",
                run: "click",
            },
            {
                content: "Choose the carrier",
                trigger: ".o_field_widget[name=carrier_id] input",
                run: `edit ${data.carrier}`,
            },
            {
                content: "Pick it in the drop-down",
                trigger: `.o-autocomplete--dropdown-item a:contains(${data.carrier})`,
                run: "click",
            },
            {
                content: "Type the tracking number",
                trigger: ".o_field_widget[name=carrier_tracking_ref] input",
                run: `edit ${data.tracking}`,
            },
            {
                content: "Validate the delivery",
                trigger: ".o_statusbar_buttons button[name=button_validate]",
                run: "click",
            },
            statusIs("Done", "The delivery is done"),
            {
                content: "Amazon has the shipment",
                trigger: ".alert-success:contains(Confirmed to Amazon)",
            },
            screenshot("delivery_confirmed", ".alert-success:contains(Confirmed to Amazon)"),
            {
                content: "Open the delivery's Amazon tab",
                trigger: ".o_notebook a.nav-link[name=amazon]",
                run: "click",
            },
            {
                content: "The package told to Amazon, with its tracking number, confirmed",
                trigger: `.o_field_widget[name=amazon_package_ids] .o_data_row:contains(${data.tracking}):contains(Confirmed)`,
            },
            screenshot("delivery_packages", ".o_field_widget[name=amazon_package_ids] .o_data_row"),
        ];
    },
});
