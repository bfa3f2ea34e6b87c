"""Run axe-core (installed from npm at build time) in a Playwright page and report violations."""

from __future__ import annotations

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """WCAG 2.2 A and AA violations axe finds on the page as it is now."""
    if not AXE_SCRIPT.exists():
        raise RuntimeError(f"{AXE_SCRIPT} is missing: run 'make install' (npm ci) first")
    # A click may have started a navigation: check the page it lands on, not one half torn down.
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    if violations:
        lines = [f"{page.url}:"]
        for v in violations:
            targets = [", ".join(node["target"]) for node in v["nodes"][:5]]
            lines.append(f"  {v['id']} ({v['impact']}): {v['help']} -> {targets}")
        raise AssertionError("\n".join(lines))
