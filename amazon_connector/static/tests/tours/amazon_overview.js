/**
 * The seller's morning: Sales › Amazon › Overview shows what waits on the
 * account's card; its Late figure opens the late orders (tests/test_tours.py).
 */
import { registry } from "@web/core/registry";
import { openMenu, screenshot, tourData } from "./tour_utils";

registry.category("web_tour.tours").add("amazon_overview", {
    steps: () => {
        const data = tourData();
        const card = `.o_kanban_record:contains(${data.account})`;
        return [
            ...openMenu(
                "Amazon › Overview",
                "amazon_connector.menu_amazon_root",
                "amazon_connector.menu_amazon_overview"
            ),
            {
                content: "The card counts the orders to ship today",
                trigger: `${card} button:contains(${data.to_ship} To Ship Today)`,
            },
            {
                content: "and the late ones",
                trigger: `${card} a:contains(Late):contains(${data.late})`,
            },
            {
                content: "and the deliveries Amazon refused",
                trigger: `${card} a:contains(Refused by Amazon):contains(${data.refused})`,
            },
            {
                content: "The last runs: the order import",
                trigger: `${card} .o_amazon_overview_run:contains(Orders):contains(${data.orders_run})`,
            },
            {
                content: "The last settlement's total",
                trigger: `${card} a:contains(Last Settlement):contains(${data.settlement_total})`,
            },
            {
                content: "The graph of the orders per day is drawn",
                trigger: `${card} .o_amazon_orders_graph canvas`,
            },
            screenshot("overview", `${card} .o_amazon_orders_graph canvas`),
            {
                content: "Open the late orders",
                trigger: `${card} a:contains(Late)`,
                run: "click",
            },
            {
                content: "The list is filtered on Late",
                trigger: ".o_searchview_facet:contains(Late)",
            },
            ...data.late_buyers.map((buyer) => ({
                content: `The late order of ${buyer} is listed`,
                trigger: `.o_data_row:contains(${buyer})`,
            })),
            {
                content: "Only the late ones",
                trigger: `.o_list_table:not(:has(.o_data_row:contains(${data.on_time_buyer})))`,
            },
        ];
    },
});
