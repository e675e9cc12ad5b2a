"""How long the usage history keeps each sync's license counts (the usage charts).

Rule (issue 12: "one row per item per sync run, pruned sensibly"):
- every sample of the last 30 days is kept (`RECENT`): a chart of the last month shows
  each sync;
- older samples are thinned to one per item per UTC day, the day's last one (what the
  item stood at when the day ended);
- nothing older than 400 days is kept (`LONGEST`): a year and a month, so last year's
  same month still shows.

With two syncs a day and 1,000 items a token keeps about 60,000 + 370,000 rows at most.
Pure: the time is passed in.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime, timedelta

RECENT = timedelta(days=30)
LONGEST = timedelta(days=400)


def thin_before(now: datetime) -> datetime:
    """Samples recorded before this are thinned to one per item per day."""
    return now - RECENT


def drop_before(now: datetime) -> datetime:
    """Samples recorded before this are deleted."""
    return now - LONGEST


def samples_to_prune(samples: Iterable[tuple[int, Hashable, datetime]],
                     now: datetime) -> list[int]:
    """The ids to delete among `samples` (id, item key, recorded_at aware) by the rule
    above. Of several samples of one item on one UTC day older than 30 days, the latest
    (then the highest id) stays. Ids in ascending order; raises nothing."""
    thin, drop = thin_before(now), drop_before(now)
    keep: dict[tuple[Hashable, object], tuple[datetime, int]] = {}
    pruned = []
    for sample_id, item, at in samples:
        if at < drop:
            pruned.append(sample_id)
        elif at < thin:
            day = (item, at.astimezone(now.tzinfo).date())
            best = keep.get(day)
            if best is None or (at, sample_id) > best:
                if best is not None:
                    pruned.append(best[1])
                keep[day] = (at, sample_id)
            else:
                pruned.append(sample_id)
    return sorted(pruned)
