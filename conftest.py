"""pytest: the skipped tests are listed by name with their reason at the end of the
run (``-rs`` groups them by location): a skip is never silent."""


def pytest_terminal_summary(terminalreporter):
    by_reason = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        by_reason.setdefault(reason, []).append(report.nodeid)
    if not by_reason:
        return
    count = sum(len(names) for names in by_reason.values())
    terminalreporter.section(f"{count} skipped tests, by reason", sep="-")
    for reason, names in by_reason.items():
        terminalreporter.line(f"{reason}:")
        for name in names:
            terminalreporter.line(f"    {name}")
