"""The catalog: one row per item per token, paged and filtered in SQL; ITEM resolution."""

from __future__ import annotations

import pytest

from tests.services.test_tokens import add
from vpp_tui.services import catalog, sync
from vpp_tui.services.errors import InvalidInput, NotFound


@pytest.fixture
def synced(sqlite_world):  # noqa: ANN001, ANN201
    add(sqlite_world, "North Campus")
    add(sqlite_world, "South Campus")
    for name in ("North Campus", "South Campus"):
        assert sync.sync_token(sqlite_world.ctx, name).status == "completed"
    return sqlite_world


def test_an_app_bought_under_two_tokens_is_listed_once_per_token(synced) -> None:  # noqa: ANN001
    rows = catalog.list_assets(synced.ctx, limit=None).rows
    by_name: dict[str, set[str]] = {}
    for row in rows:
        by_name.setdefault(row.name, set()).add(row.token)
    assert any(tokens == {"North Campus", "South Campus"} for tokens in by_name.values())


def test_catalog_pages_and_filters_in_sql(synced) -> None:  # noqa: ANN001
    everything = catalog.list_assets(synced.ctx, limit=None)
    page = catalog.list_assets(synced.ctx, offset=5, limit=5)
    assert page.total == everything.total and len(page.rows) == 5
    assert [r.id for r in page.rows] == [r.id for r in everything.rows[5:10]]
    notes = catalog.list_assets(synced.ctx, text="field no")
    assert {r.name for r in notes.rows} == {"Field Notes"}


def test_books_are_listed_apart_and_irrevocable(synced) -> None:  # noqa: ANN001
    books = catalog.list_assets(synced.ctx, books=True, limit=None).rows
    assert books and all(b.product_type == "book" and not b.revocable for b in books)


def test_availability_sort_puts_scarcest_first_and_unlimited_last(synced) -> None:  # noqa: ANN001
    rows = catalog.list_assets(synced.ctx, sort="availability", limit=None).rows
    limited = [r.available for r in rows if not r.unlimited]
    assert limited == sorted(limited) and rows[-1].unlimited


def test_item_under_several_tokens_needs_token_and_lists_candidates(synced) -> None:  # noqa: ANN001
    rows = catalog.list_assets(synced.ctx, limit=None).rows
    north = {r.name for r in rows if r.token == "North Campus"}
    name = next(r.name for r in rows if r.token == "South Campus" and r.name in north)
    with pytest.raises(InvalidInput, match="add --token NAME"):
        catalog.resolve_item(synced.ctx, name)
    assert catalog.resolve_item(synced.ctx, name, token="South Campus").token == "South Campus"
    with pytest.raises(NotFound):
        catalog.resolve_item(synced.ctx, "No Such App")


def test_a_book_in_two_editions_is_chosen_by_pricing_param(synced) -> None:  # noqa: ANN001
    book = "The Young Scientist's Handbook"
    with pytest.raises(InvalidInput, match="ADAMID:PLUS"):
        catalog.resolve_item(synced.ctx, book, token="North Campus")
    adam = catalog.resolve_item(synced.ctx, f"{book}:PLUS", token="North Campus")
    assert adam.pricing_param == "PLUS"
    assert catalog.resolve_item(synced.ctx, f"{adam.adam_id}:STDQ").pricing_param == "STDQ"
