/**
 * Tours that go wrong on purpose: tests/test_tour_checks.py proves with them that a
 * tour fails on a console error, an uncaught exception, a server traceback and a
 * missing step, the failure naming what happened.
 */
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";
import { screenshot } from "./tour_utils";

const tours = registry.category("web_tour.tours");

tours.add("amazon_check_passes", {
    steps: () => [
        { content: "The web client is up", trigger: ".o_main_navbar" },
        screenshot("check_home", ".o_main_navbar"),
    ],
});

tours.add("amazon_check_console_error", {
    steps: () => [
        {
            content: "Log an error",
            trigger: ".o_main_navbar",
            run() {
                console.error("amazon check: an error in the console");
            },
        },
        { content: "Wait", trigger: ".o_amazon_never_there" },
    ],
});

tours.add("amazon_check_uncaught_exception", {
    steps: () => [
        {
            content: "Throw outside the tour",
            trigger: ".o_main_navbar",
            run() {
                setTimeout(() => {
                    throw new Error("amazon check: an uncaught exception");
                });
            },
        },
        { content: "Wait", trigger: ".o_amazon_never_there" },
    ],
});

tours.add("amazon_check_server_error", {
    steps: () => [
        {
            content: "Call a method that fails on the server",
            trigger: ".o_main_navbar",
            async run() {
                await rpc("/web/dataset/call_kw/res.partner/amazon_no_such_method", {
                    model: "res.partner",
                    method: "amazon_no_such_method",
                    args: [[]],
                    kwargs: {},
                }).catch(() => {});
            },
        },
        { content: "The web client is still up", trigger: ".o_main_navbar" },
    ],
});

tours.add("amazon_check_missing_step", {
    steps: () => [
        { content: "The web client is up", trigger: ".o_main_navbar" },
        {
            content: "Open the Amazon thing that is not there",
            trigger: ".o_amazon_not_there",
            timeout: 1000,
            run: "click",
        },
    ],
});
