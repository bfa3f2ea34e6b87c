"""axe-core (from npm, installed at build time) run inside a Playwright page."""

from __future__ import annotations

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """The WCAG 2.2 A and AA violations axe finds on the page as it stands."""
    if not AXE_SCRIPT.exists():
        raise RuntimeError(f"{AXE_SCRIPT} is missing: run 'npm ci' first")
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_22_A_AA,
    )
    return result["violations"]


def assert_no_axe_violations(page) -> None:
    """Fail with each violation's rule, impact and the first elements it was found on."""
    violations = axe_violations(page)
    if violations:
        lines = [f"{page.url}:"]
        for violation in violations:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
        raise AssertionError("\n".join(lines))
