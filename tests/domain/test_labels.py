"""Labels for stored values, and advice that names the front end's own actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vpp_tui.domain.labels import (
    outcome_label,
    owner_label,
    sync_status_label,
    token_state_label,
)
from vpp_tui.domain.licensing.results import Outcome
from vpp_tui.domain.tokens import (
    TokenFacts,
    TokenState,
    cli_hints,
    console_hints,
    token_health,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_every_token_state_and_outcome_has_a_label_with_no_internal_spelling() -> None:
    for value in [*TokenState, *Outcome, "in_progress"]:
        label = (token_state_label(value) if value in set(TokenState) else
                 outcome_label(value) if value in set(Outcome) else sync_status_label(value))
        assert label and "_" not in label, value


def test_another_mdm_is_named_with_its_metadata_so_two_installations_read_apart() -> None:
    assert owner_label("vpp-tui", "vpp-tui installation 0badc0de") == \
        "vpp-tui (vpp-tui installation 0badc0de)"
    assert owner_label("Jamf Pro", None) == "Jamf Pro"
    health = token_health(TokenFacts(expires_at=NOW + timedelta(days=200),
                                      external_mdm_name="vpp-tui",
                                      external_mdm_metadata="vpp-tui installation 0badc0de"),
                          NOW)
    assert health.reason == "held by vpp-tui (vpp-tui installation 0badc0de)"


def test_advice_names_console_keys_by_default_and_cli_commands_with_cli_hints() -> None:
    facts = [TokenFacts(expires_at=NOW + timedelta(days=d), **extra) for d, extra in (
        (-3, {}), (10, {}), (200, {}), (200, {"apple_error": 9625}),
        (200, {"apple_error": 9621}), (200, {"external_mdm_name": "Jamf Pro"}))]
    for f in facts:
        console = token_health(f, NOW).advice
        cli = token_health(f, NOW, hints=cli_hints().for_token("South Campus")).advice
        assert console == token_health(f, NOW, hints=console_hints()).advice
        assert "vpp-tui" not in console
        assert "vpp-tui " in cli and "'South Campus'" in cli, cli
        for key in ("(r)", "(s)", "(c)", "press "):
            assert key not in cli, cli


def test_a_refused_write_names_the_front_ends_own_way_to_take_control() -> None:
    from vpp_tui.domain.ownership import write_refusal

    cli = write_refusal("North Campus", "Jamf Pro", hints=cli_hints())
    assert "vpp-tui token take-control 'North Campus'" in cli and "console" not in cli
    console = write_refusal("North Campus", "Jamf Pro", hints=console_hints())
    assert "(c)" in console and "vpp-tui" not in console


def test_edition_label_reads_stdq_as_standard_and_plus_as_the_edition_with_extras() -> None:
    from vpp_tui.domain.labels import edition_label

    assert edition_label("STDQ") == "Standard"
    assert edition_label(None) == "Standard"  # Apple's default when it omits the field
    assert edition_label("PLUS") == "Plus (extras)"
    assert edition_label("OTHER") == "OTHER"


def test_job_state_label_covers_every_job_state() -> None:
    from vpp_tui.domain import jobs
    from vpp_tui.domain.labels import job_state_label

    assert [job_state_label(s) for s in jobs.STATES] == list(jobs.STATES)  # English
    assert job_state_label("unknown") == "unknown"


def test_member_kind_label_reads_user_and_device_as_words() -> None:
    from vpp_tui.domain.labels import member_kind_label

    assert [member_kind_label(k) for k in ("user", "device", "group", "x")] == [
        "User", "Device", "Group", "x"]
