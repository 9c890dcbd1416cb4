"""What a person does in the browser, and the accessibility check, for the browser tests."""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..factories import PASSWORD

REFERENCE = re.compile(r"KT-\d{4}-\d{6}")

# WCAG 2.0 and 2.1, levels A and AA: the level Swedish law (via EN 301 549) requires.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def log_in(page, email: str) -> None:
    """Log in through the real login form, as a person would."""
    page.goto("/logga-in")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Logga ut").is_visible(), page.url


def flash_text(page) -> str:
    return page.locator(".flashes").inner_text()


def active(page, prop: str = "id") -> str:
    """A property of the element that has keyboard focus."""
    return page.evaluate(f"() => document.activeElement && document.activeElement.{prop}")


def active_label(page) -> str:
    """The focused element's id, or its text for links and buttons without one."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return '';
            return el.id || (el.innerText || '').trim();
        }"""
    )


def focus_is_visible(page) -> bool:
    """The focused element draws a visible focus indicator (outline or box-shadow).

    Polled briefly: on a loaded machine the focus style can land a frame after the key.
    """
    try:
        page.wait_for_function(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return false;
                const s = getComputedStyle(el);
                const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                return outline || (s.boxShadow && s.boxShadow !== 'none');
            }""",
            timeout=2000,
        )
    except PlaywrightTimeout:
        return False
    return True


def tab_to(page, predicate: str, limit: int = 40) -> None:
    """Press Tab until ``predicate`` (a JS expression over ``el``) holds for the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def check_accessibility(page, axe_source: str, what: str) -> None:
    """Run axe-core on the page with the WCAG 2.1 A and AA rules: no violation allowed."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated by the browser's debugging protocol, which the page's
        # Content-Security-Policy does not govern (a <script> tag it would refuse).
        page.evaluate(axe_source)
    result = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_TAGS,
    )
    violations = result["violations"]
    if violations:
        lines = [f"{len(violations)} WCAG 2.1 A/AA violation(s) on {what} ({page.url}):"]
        for v in violations:
            lines.append(f"- {v['id']} [{v['impact']}]: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:10]:
                lines.append(f"    at {' '.join(node['target'])}: {node['failureSummary']}")
        raise AssertionError("\n".join(lines))
    assert result["passes"], "axe-core ran no rule at all"
