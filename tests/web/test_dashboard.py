"""The campaign dashboard, read as a person would: every figure against the hand-computed reference."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape
from html.parser import HTMLParser

import pytest

from tracker.analytics import daily_series

from ..reference import EXPECTED, build_reference

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Find(HTMLParser):
    """Text of every element carrying attr=value, and of each of its cells (td/th children)."""

    def __init__(self, attr: str, value: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.attr, self.value = attr, value
        self.depth = 0
        self.found: list[tuple[str, list[str]]] = []
        self._text: list[str] = []
        self._cells: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
            if self.depth == 2 and tag in ("td", "th"):
                self._cells.append([])
            return
        if any(k == self.attr and (self.value is None or v == self.value) for k, v in attrs):
            self.depth, self._text, self._cells = 1, [], []

    def handle_endtag(self, tag):
        if tag in VOID or not self.depth:
            return
        self.depth -= 1
        if not self.depth:
            self.found.append(
                (_squash("".join(self._text)), [_squash("".join(c)) for c in self._cells])
            )

    def handle_data(self, data):
        if self.depth:
            self._text.append(data)
            if self._cells and self.depth >= 2:
                self._cells[-1].append(data)


def _squash(text: str) -> str:
    # ASCII whitespace only: the non-breaking spaces babel puts in French figures are kept.
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def find_all(html: str, attr: str, value: str | None = None) -> list[tuple[str, list[str]]]:
    parser = _Find(attr, value)
    parser.feed(html)
    return parser.found


def text_of(html: str, attr: str, value: str | None) -> str:
    found = find_all(html, attr, value)
    assert found, f"no element with {attr}={value!r}"
    return found[0][0]


def cells(html: str, attr: str, value: str) -> list[str]:
    found = find_all(html, attr, value)
    assert found, f"no row with {attr}={value!r}"
    return found[0][1]


def page_text(html: str) -> str:
    body = html.split("<main", 1)[-1]
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)
    return _squash(unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture
def ref(factory):
    return build_reference(factory)


@pytest.fixture
def manager(ref, factory, login):
    user = factory.user(ref.workspace, role="manager")
    login(user)
    return user


def dashboard(client, ref, query: str = "", **headers) -> str:
    response = client.get(f"/campaigns/{ref.campaign.id}{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_kpi_cards_show_the_reference_figures(client, ref, manager):
    html = dashboard(client, ref)
    kpis = {
        "cost": "€10,810.00",
        "value_generated": "€10,391.50",
        "roi_ratio": EXPECTED["roi_ratio"],
        "roas": EXPECTED["roas"],
        "revenue": "€240.00",
        "views": "470,000",
        "engagement_rate": EXPECTED["engagement_rate_pct"],
        "cpm": EXPECTED["cpm"],
        "cpe": EXPECTED["cpe"],
        "cpc": EXPECTED["cpc"],
        "cpa": EXPECTED["cpa"],
    }
    assert {k: text_of(html, "data-kpi", k) for k in kpis} == kpis
    text = page_text(html)
    assert "Target 5.0:1 below target" in text
    assert f"ROI {EXPECTED['roi_pct']}" in text
    assert "5:1 is the usual reference" in text
    # direct 400 + 2,500 + 6,460 = 9,360; shared 1,000 + 450; budget 10,810 / 12,000 = 90.08 %
    assert "Direct €9,360.00 · shared €1,450.00" in text
    assert "90.08% of the €12,000.00 budget" in text


def test_goals_show_attainment_and_which_goals_carried_value(client, ref, manager):
    html = dashboard(client, ref)
    assert cells(html, "data-goal", "views") == [
        "Views",
        "470,000",
        "500,000",
        "94.00% 94.00%",
        "€9,400.00",
    ]
    assert cells(html, "data-goal", "link_clicks") == [
        "Link clicks", "1,503", "2,000", "75.15% 75.15%", "€751.50",
    ]  # fmt: skip
    assert cells(html, "data-goal", "conversions") == [
        "Conversions", "4", "100", "4.00% 4.00%", "no unit value",
    ]  # fmt: skip
    assert cells(html, "data-goal", "revenue") == [
        "Revenue", "€240.00", "€10,000.00", "2.40% 2.40%", "counted as revenue",
    ]  # fmt: skip
    assert '<progress max="1" value="0.94"' in html
    assert "Pacing" not in page_text(html), "an ended campaign shows attainment only"
    assert cells(html, "data-part", "revenue") == ["Revenue", "as earned", "€240.00"]
    assert cells(html, "data-part", "views") == ["Views", "470,000 × €0.02", "€9,400.00"]
    assert cells(html, "data-part", "link_clicks") == ["Link clicks", "1,503 × €0.50", "€751.50"]
    assert "Value generated €10,391.50" in page_text(html)
    assert "Goals without a unit value add nothing to the value: Conversions." in page_text(html)


def test_running_campaign_shows_pacing_and_projected_values(client, ref, manager):
    # As of 03-16, 16 of 31 days have run: projected = actual × 31 / 16.
    html = dashboard(client, ref, "?as_of=2026-03-16")
    assert "The campaign was running: day 16 of 31." in text_of(html, "data-asof", None)
    assert cells(html, "data-goal", "views")[4:6] == ["910,625", "On track"]
    assert cells(html, "data-goal", "link_clicks")[4:6] == ["2,912", "On track"]  # 1,503 → 2,912.06
    assert cells(html, "data-goal", "conversions")[4:6] == ["8", "Off track"]  # 4 → 7.75
    assert cells(html, "data-goal", "revenue")[4:6] == ["€465.00", "Off track"]  # 240 → 465
    assert "Figures as of Mar 16, 2026" in page_text(html)


def test_as_of_an_earlier_day_leaves_later_snapshots_out(client, ref, manager):
    html = dashboard(client, ref, "?as_of=2026-03-09")
    assert text_of(html, "data-kpi", "views") == "410,000"  # Léa 10,000 + Max 400,000
    assert text_of(html, "data-kpi", "cpm") == "€26.37"  # 1000 × 10,810 / 410,000 = 26.366
    assert 'value="2026-03-09"' in html


def test_an_unreadable_as_of_date_is_named_and_the_latest_figures_shown(client, ref, manager):
    html = dashboard(client, ref, "?as_of=2026-13-45")
    assert "Not a valid date value." in page_text(html)
    assert text_of(html, "data-kpi", "views") == "470,000"


def test_influencer_rows_use_direct_costs_only(client, ref, manager):
    html = dashboard(client, ref)
    lea = cells(html, "data-participation", str(ref.lea.id))
    assert lea == [
        "Léa Glow @lea.glow · TikTok · code LEA15",
        "Nano 8,000",
        "1/1 100.00%",
        "€400.00",
        "20,000",
        EXPECTED["lea"]["er"],
        EXPECTED["lea"]["cpe"],
        "3 3 tracked, 3 unique",
        "2",
        "€200.00",  # 400 / 2
        EXPECTED["lea"]["roas"],
    ]
    noah = cells(html, "data-participation", str(ref.noah.id))
    assert noah[1:] == [
        "Mid 120,000", "1/1 100.00%", "€2,500.00", "50,000", "7.40%", "€0.68", "600", "—", "—", "—",
    ]  # fmt: skip
    mx = cells(html, "data-participation", str(ref.max.id))
    assert mx[1:] == [
        "Mega 2,000,000", "1/1 100.00%", "€6,460.00", "400,000", "2.25%", "€0.72", "900", "1",
        EXPECTED["max"]["cpa"], "0.0:1",
    ]  # fmt: skip
    assert "Figures per influencer use direct costs only" in page_text(html)


def _order(html: str, ref) -> list[str]:
    names = {str(ref.lea.id): "lea", str(ref.noah.id): "noah", str(ref.max.id): "max"}
    return [names[m] for m in re.findall(r'data-participation="(\d+)"', html)]


SORTS = [
    ("", ["lea", "noah", "max"]),  # the order they joined in
    ("?sort=views", ["max", "noah", "lea"]),  # most viewed first
    ("?sort=cost&order=asc", ["lea", "noah", "max"]),
    ("?sort=er", ["lea", "noah", "max"]),  # 8.35 %, 7.40 %, 2.25 %
    ("?sort=cpe", ["lea", "noah", "max"]),  # cheapest first: €0.24, €0.68, €0.72
    ("?sort=cpa", ["lea", "max", "noah"]),  # Noah's CPA is undefined: always last
    ("?sort=cpa&order=desc", ["max", "lea", "noah"]),
    ("?sort=roas", ["lea", "max", "noah"]),
    ("?sort=tier&order=desc", ["max", "noah", "lea"]),
    ("?sort=followers; DROP TABLE", ["lea", "noah", "max"]),  # unknown column: ignored
]


def test_influencer_table_is_sorted_on_the_server(client, ref, manager):
    got = {query: _order(dashboard(client, ref, query), ref) for query, _expected in SORTS}
    assert got == dict(SORTS)


def test_sort_links_keep_the_as_of_day_and_flip_the_order(client, ref, manager):
    html = dashboard(client, ref, "?as_of=2026-03-20&sort=views&order=desc")
    assert 'aria-sort="descending"' in html
    assert (
        f"/campaigns/{ref.campaign.id}?sort=views&amp;order=asc&amp;as_of=2026-03-20#influencers"
        in html
    )


def test_a_tier_override_is_marked_as_such(client, ref, manager, session):
    ref.lea.tier_override = "micro"
    session.add(ref.lea)
    session.commit()
    lea = cells(dashboard(client, ref), "data-participation", str(ref.lea.id))
    assert lea[1] == "Micro override 8,000"


def test_costs_split_and_tracked_events(client, ref, manager):
    html = dashboard(client, ref)
    text = page_text(html)
    assert (
        "Direct (one influencer) €9,360.00 Shared (whole campaign) €1,450.00 Total €10,810.00"
        in text
    )
    assert "1 USD = 0.92 EUR (Mar 9, 2026)" in text
    costs = html.split('id="costs"', 1)[1].split("</figure>", 1)[0]
    # fees 400 + 2,500 + 6,000; the USD boost 500 × 0.92; agency fee; staff time 10 h × 45
    for amount in ("€8,900.00", "€460.00", "€1,000.00", "€450.00"):
        assert amount in costs
    assert cells(html, "data-split", "views") == ["Views", "70,000", "400,000"]
    # organic: Léa 1,670 + Noah 3,700 engagements over 70,000 views; paid: Max 9,000 / 400,000
    assert cells(html, "data-split", "engagements") == ["Engagements", "5,370", "9,000"]
    assert cells(html, "data-split", "engagement_rate") == ["Engagement rate", "7.67%", "2.25%"]
    assert cells(html, "data-split", "ctr") == ["Click-through rate", "0.86%", "0.22%"]
    assert cells(html, "data-split", "conversions") == ["Conversions", "—", "—"]
    assert text_of(html, "data-attr", "clicks") == "3"
    assert text_of(html, "data-attr", "unique") == "3"
    assert text_of(html, "data-attr", "bots") == "1"
    assert cells(html, "data-attribution", "promo_code") == ["Promo code", "3", "€200.00"]
    assert cells(html, "data-attribution", "none") == ["Not attributed", "1", "€40.00"]


def test_each_goal_has_a_chart_against_its_target(client, ref, manager):
    html = dashboard(client, ref)
    for metric in ("views", "link_clicks", "conversions", "revenue"):
        figure = html.split(f'data-chart="{metric}"', 1)[1].split("</figure>", 1)[0]
        assert "<svg" in figure and "Target" in figure
        assert "style=" not in figure, "the CSP blocks inline styles"


def test_goal_series_end_at_the_totals_shown_on_the_cards(ref, session):
    series = daily_series(
        session, ref.campaign, metrics=["views", "link_clicks", "conversions", "revenue"]
    )
    last = {metric: points[-1][1] for metric, points in series.items()}
    assert last == {"views": 470_000, "link_clicks": 1_503, "conversions": 4, "revenue": 240}
    clicks = dict(series["link_clicks"])
    # Noah's 600 and Max's 900 are imported; Léa's tracked clicks (2 on 03-10, 1 on 03-11) add up.
    assert clicks[date(2026, 3, 9)] == 900
    assert clicks[date(2026, 3, 10)] == 1_502
    assert clicks[date(2026, 3, 11)] == 1_503


def test_the_dashboard_in_french(client, ref, manager):
    html = dashboard(client, ref, **{"Accept-Language": "fr-FR,fr;q=0.9"})
    assert text_of(html, "data-kpi", "cpm") == "23,00\u00a0€"
    assert text_of(html, "data-kpi", "roi_ratio") == "1,0:1"
    assert text_of(html, "data-kpi", "engagement_rate") == "3,06\u00a0%"
    assert text_of(html, "data-kpi", "cost") == "10\u202f810,00\u00a0€"
    assert text_of(html, "data-kpi", "cpa") == "2\u202f702,50\u00a0€"
    text = page_text(html)
    assert "Objectif 5,0:1 sous l’objectif" in text
    assert "ROI -3,87\u00a0%" in text
    assert "Les chiffres par influenceur n’utilisent que les coûts directs" in text
    assert cells(html, "data-part", "views")[1:] == [
        "470\u202f000 × 0,02\u00a0€",
        "9\u202f400,00\u00a0€",
    ]
    assert "1 USD = 0,92 EUR (09/03/2026)" in text


def test_a_campaign_with_no_results_yet_shows_what_to_do_instead_of_empty_charts(
    client, factory, login
):
    workspace = factory.workspace()
    campaign = factory.campaign(factory.brand(workspace), budget=None)
    factory.goal(campaign, "views", 100_000, "0.01")
    factory.cost(campaign, "500", category="production")
    login(factory.user(workspace, role="viewer"))
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "No results yet" in page_text(html)
    assert "<svg" not in html and "<table" not in html
    assert text_of(html, "data-kpi", "cost") == "€500.00"
    assert text_of(html, "data-kpi", "cpm") == "—"
    assert text_of(html, "data-kpi", "roi_ratio") == "—"


def test_an_undefined_kpi_is_a_dash_never_zero(client, factory, login):
    workspace = factory.workspace()
    campaign = factory.campaign(factory.brand(workspace))
    part = factory.participation(campaign)
    factory.cost(campaign, "500", participation=part)
    post = factory.post(part)
    factory.snapshot(campaign=campaign, post=post, captured_on=date(2026, 3, 3), views=1_000)
    login(factory.user(workspace))
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert text_of(html, "data-kpi", "views") == "1,000"
    assert text_of(html, "data-kpi", "cpm") == "€500.00"
    # no interactions, clicks, orders or revenue known: their KPIs are undefined, not 0
    for key in ("engagement_rate", "cpe", "cpc", "cpa", "roas", "roi_ratio", "revenue"):
        assert text_of(html, "data-kpi", key) == "—", key


def test_a_missing_exchange_rate_is_explained_with_a_link_to_add_it(client, ref, manager, factory):
    factory.cost(ref.campaign, "100", category="tools", currency="GBP")
    response = client.get(f"/campaigns/{ref.campaign.id}")
    assert response.status_code == 409
    text = page_text(response.get_data(as_text=True))
    assert "No exchange rate from GBP to EUR on or before 2026-03-01" in text
    assert "/rates" in response.get_data(as_text=True)


def test_viewer_and_the_brands_own_users_can_read(client, ref, factory, login):
    login(factory.user(ref.workspace, role="viewer"))
    assert client.get(f"/campaigns/{ref.campaign.id}").status_code == 200
    client.post("/logout")
    login(factory.user(ref.workspace, role="brand", brand_id=ref.brand.id))
    assert client.get(f"/campaigns/{ref.campaign.id}").status_code == 200


def test_other_workspaces_and_other_brands_get_not_found(client, ref, factory, login):
    login(factory.user(factory.workspace(), role="admin"))
    assert client.get(f"/campaigns/{ref.campaign.id}").status_code == 404
    client.post("/logout")
    other_brand = factory.brand(ref.workspace)
    login(factory.user(ref.workspace, role="brand", brand_id=other_brand.id))
    assert client.get(f"/campaigns/{ref.campaign.id}").status_code == 404


def test_signing_in_is_required(client, ref):
    response = client.get(f"/campaigns/{ref.campaign.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_rate_and_money_goals_read_as_percentages_and_in_the_campaign_currency(
    client, factory, login
):
    workspace = factory.workspace()
    campaign = factory.campaign(factory.brand(workspace), currency="USD")
    factory.goal(campaign, "engagement_rate", "0.05")
    factory.goal(campaign, "revenue", 1_000)
    part = factory.participation(campaign)
    factory.cost(campaign, "250", participation=part)
    post = factory.post(part)
    factory.snapshot(
        campaign=campaign, post=post, captured_on=date(2026, 3, 4), views=10_000, likes=400
    )
    factory.conversion(campaign, "#1", "125.50", participation=part, at=datetime(2026, 3, 6, 9))
    login(factory.user(workspace))
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    # ER 400 / 10,000 = 4.00 % against a 5.00 % target; revenue $125.50 of $1,000.00
    assert cells(html, "data-goal", "engagement_rate")[:4] == [
        "Engagement rate", "4.00%", "5.00%", "80.00% 80.00%",
    ]  # fmt: skip
    assert cells(html, "data-goal", "revenue")[:4] == [
        "Revenue", "$125.50", "$1,000.00", "12.55% 12.55%",
    ]  # fmt: skip
    er_chart = html.split('data-chart="engagement_rate"', 1)[1].split("</figure>", 1)[0]
    assert "5.00%" in er_chart or "4.00%" in er_chart, "the axis reads in percent"
    revenue_chart = html.split('data-chart="revenue"', 1)[1].split("</figure>", 1)[0]
    assert "$1,000" in revenue_chart and "\\$" not in revenue_chart


def test_an_as_of_day_before_any_result_says_so(client, ref, manager):
    html = dashboard(client, ref, "?as_of=2026-03-02")
    assert "No results as of Mar 2, 2026" in page_text(html)
    assert "<svg" not in html
    assert text_of(html, "data-kpi", "cost") == "€10,810.00", "costs are not dated out"
