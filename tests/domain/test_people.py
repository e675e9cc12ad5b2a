"""The rule for which person an Apple user stands for (domain/licensing/people.py)."""

from vpp_tui.domain.licensing.people import person_of, replaces, revives


def test_person_of_an_apple_user_is_its_upn_else_its_email():
    assert person_of("ana@school.org", "ana@home.example") == "ana@school.org"
    assert person_of(None, "ana@home.example") == "ana@home.example"
    assert person_of("", "") is None
    assert person_of(None, None) is None


def test_a_row_with_a_upn_replaces_a_person_known_only_by_email():
    assert replaces(None, has_upn=False)
    assert replaces("ana@home.example", has_upn=True)
    assert not replaces("ana@school.org", has_upn=False)


def test_revives_a_live_apple_user_beats_a_retired_twin():
    assert revives("Retired", "Registered")
    assert revives("Retired", "Associated")
    assert not revives("Retired", "Retired")
    assert not revives("Associated", "Retired")
    assert not revives("Registered", "Associated")
