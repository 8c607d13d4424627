/**
 * The salesperson: the ordinary Sales › Orders search finds an Amazon order by its
 * Amazon number, by the buyer's name and by the ZIP, each typed and confirmed with
 * Enter; the order's form shows its Amazon page (tests/test_tours.py).
 */
import { registry } from "@web/core/registry";
import { openMenu, screenshot, tourData } from "./tour_utils";

/** Type `text` in the search, Enter; only the order `name` is left; clear. */
function searchWithEnter(text, what, name) {
    return [
        {
            content: `Type ${what}`,
            trigger: ".o_searchview_input",
            run: `edit ${text}`,
        },
        {
            content: "The search proposes what to search",
            trigger: ".o_searchview_autocomplete .o_menu_item",
        },
        { content: "Confirm with Enter", trigger: ".o_searchview_input", run: "press Enter" },
        {
            content: `Only the order found by ${what} is left`,
            trigger: `.o_list_renderer:not(:has(.o_data_row:not(:contains(${name})))) .o_data_row:contains(${name})`,
        },
        {
            content: "Clear the search",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            content: "Every order is listed again",
            trigger: ".o_list_renderer .o_data_row + .o_data_row",
        },
    ];
}

registry.category("web_tour.tours").add("amazon_salesperson", {
    steps: () => {
        const data = tourData();
        return [
            ...openMenu("Orders › Orders", "sale.sale_order_menu", "sale.menu_sale_order"),
            {
                content: "The orders are listed",
                trigger: ".o_list_renderer .o_data_row + .o_data_row",
            },
            ...searchWithEnter(data.order_ref, "the Amazon order number", data.order_name),
            ...searchWithEnter(data.buyer, "the buyer's name", data.order_name),
            ...searchWithEnter(data.zip, "the ZIP", data.order_name),
            {
                content: "Open the order",
                trigger: `.o_data_row:contains(${data.order_name}) .o_data_cell`,
                run: "click",
            },
            {
                content: "Open its Amazon page",
                trigger: ".o_notebook a.nav-link[name=amazon]",
                run: "click",
            },
            {
                content: "The Amazon page shows the Amazon order number",
                trigger: `.o_field_widget[name=amazon_order_ref]:contains(${data.order_ref})`,
            },
            screenshot("order_amazon_page", ".o_notebook a.nav-link.active[name=amazon]"),
        ];
    },
});
