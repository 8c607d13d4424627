/**
 * The administrator: switches the connector on in Settings › Sales, connects an
 * account to Amazon (the test's simulator), imports its orders and finds them in
 * Sales › Amazon › Orders (tests/test_tours.py).
 */
import { registry } from "@web/core/registry";
import { openApp, openMenu, screenshot, statusIs, tourData } from "./tour_utils";

registry.category("web_tour.tours").add("amazon_admin", {
    steps: () => {
        const data = tourData();
        const fill = (field, value) => ({
            content: `Fill ${field}`,
            trigger: `.o_field_widget[name=${field}] input`,
            run: `edit ${value}`,
        });
        return [
            {
                content: "Open the Sales settings",
                trigger: ".settings_tab .tab[data-key=sale_management]",
                run: "click",
            },
            {
                content: "Switch the Amazon Connector on",
                trigger: "#amazon_connector_enabled .o_field_widget[name=amazon_connector_enabled] input",
                run: "check",
            },
            {
                content: "Save the settings",
                trigger: ".o_form_button_save",
                run: "click",
                expectUnloadPage: true,
            },
            {
                content: "The connector is on",
                trigger: ".o_field_widget[name=amazon_connector_enabled] input:checked",
            },
            {
                content: "Open the Amazon accounts",
                trigger: "#amazon_connector_enabled button:contains(Amazon Accounts)",
                run: "click",
            },
            { content: "Create an account", trigger: ".o_list_button_add", run: "click" },
            fill("name", "Amazon Europe"),
            fill("seller_id", data.seller_id),
            {
                content: "Choose Amazon.de",
                trigger: ".o_field_widget[name=marketplace_ids] input",
                run: "edit Amazon.de",
            },
            {
                content: "Pick it in the drop-down",
                trigger: ".o-autocomplete--dropdown-item a:contains(Amazon.de)",
                run: "click",
            },
            {
                content: "Open the credentials",
                trigger: ".o_notebook a.nav-link[name=credentials]",
                run: "click",
            },
            fill("lwa_client_id", data.client_id),
            fill("lwa_client_secret", data.client_secret),
            fill("refresh_token", data.refresh_token),
            fill("api_endpoint", data.api_endpoint),
            fill("lwa_token_url", data.lwa_token_url),
            {
                content: "Test the connection (the form saves first)",
                trigger: "button[name=action_test_connection]",
                run: "click",
            },
            {
                content: "Amazon answered",
                trigger: ".o_notification:contains(Connection succeeded)",
            },
            statusIs("Connected", "The account shows Connected"),
            {
                content: "Import the orders now",
                trigger: "button[name=action_import_orders]",
                run: "click",
            },
            {
                content: "The account counts its orders",
                trigger: `button[name=action_view_orders] .o_stat_value:contains(${data.buyers.length})`,
            },
            {
                content: "Import the listings",
                trigger: "button[name=action_import_listings]",
                run: "click",
            },
            {
                content: "Amazon prepares its listings report",
                trigger: ".o_notification:contains(Listings requested)",
            },
            ...openApp("Sales", "sale.sale_menu_root"),
            ...openMenu(
                "Amazon › Orders",
                "amazon_connector.menu_amazon_root",
                "amazon_connector.menu_amazon_orders"
            ),
            ...data.buyers.map((buyer) => ({
                content: `The order of ${buyer} is listed`,
                trigger: `.o_list_view .o_data_row:contains(${buyer})`,
            })),
            screenshot("amazon_orders", ".o_list_view .o_data_row"),
            ...openMenu(
                "Amazon › Reports",
                "amazon_connector.menu_amazon_root",
                "amazon_connector.menu_amazon_report"
            ),
            {
                content: "The listings report is listed, read",
                trigger: ".o_list_view .o_data_row:contains(GET_MERCHANT_LISTINGS_ALL_DATA):contains(Done)",
            },
            screenshot("amazon_reports", ".o_list_view .o_data_row"),
        ];
    },
});
