/**
 * Steps shared by the addon's tours (run by tests/test_tours.py).
 *
 * window.amazonTour is set in every page by the test (tests/common_tours.py):
 * { screenshots: whether pictures are taken, data: what the test gave the tour }.
 */

/** What the test gave the tour (``tour_data`` of start_tour). */
export function tourData() {
    return window.amazonTour?.data || {};
}

/**
 * A step that saves a picture of the page as <dir>/<name>.png once `trigger` is
 * there, when the test run takes screenshots (--tour-screenshots=DIR); else it
 * does nothing. The tour waits for the picture before its next step.
 */
export function screenshot(name, trigger = "body") {
    return {
        content: `Screenshot ${name}`,
        trigger,
        async run() {
            const tour = window.amazonTour;
            if (!tour?.screenshots) {
                return;
            }
            // The picture shows the page, not the notifications over it.
            const notifications = [...document.querySelectorAll(".o_notification")];
            notifications.forEach((notification) => notification.classList.add("d-none"));
            try {
                // Let the last changes paint (two frames) and the fonts load.
                await new Promise((resolve) => requestAnimationFrame(resolve));
                await new Promise((resolve) => requestAnimationFrame(resolve));
                await document.fonts.ready;
                await new Promise((resolve, reject) => {
                    const timer = setTimeout(
                        () => reject(new Error(`screenshot ${name}: the test did not answer`)),
                        15000
                    );
                    tour.screenshotTaken = (error) => {
                        clearTimeout(timer);
                        delete tour.screenshotTaken;
                        error ? reject(new Error(error)) : resolve();
                    };
                    console.log(`amazon-screenshot:${name}`);
                });
            } finally {
                notifications.forEach((notification) => notification.classList.remove("d-none"));
            }
        },
    };
}

/** Steps opening the app `name` (its root menu `xmlid`) from the apps menu. */
export function openApp(name, xmlid) {
    return [
        { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
        { content: `Open ${name}`, trigger: `.o_app[data-menu-xmlid='${xmlid}']`, run: "click" },
    ];
}

/**
 * Steps opening a menu of the current app: `path` names it for the step names
 * ("Amazon › Offers"), `xmlids` are its menus from the top (a section, its item).
 */
export function openMenu(path, ...xmlids) {
    return xmlids.map((xmlid) => ({
        content: `Open ${path} (${xmlid})`,
        trigger: `[data-menu-xmlid='${xmlid}']`,
        run: "click",
    }));
}

/**
 * A step waiting until the record's status bar has `label` as its current value.
 * The bar's current button is read whether it is shown or not: Odoo folds the
 * buttons into a drop-down when the header is too narrow, and the tour engine,
 * which looks again only when the page changes, could miss the moment the bar
 * unfolds (it failed with the button on screen). `scope` narrows the page (a
 * selector of the form) when it needs to.
 */
export function statusIs(label, content = `The record is ${label}`, scope = "") {
    const current = `${scope} .o_statusbar_status .o_arrow_button_current:contains(${label})`.trim();
    return {
        content,
        trigger: `${current}:visible, ${current}:not(:visible)`,
    };
}
