"""How the simulator groups a day's items into segments that run at once, and the order its
timeline lists what they recorded (service.cnlic.agenda, issue 15)."""

from datetime import date, datetime, timedelta, timezone

from service.cnlic.agenda import Phases, refusal_key, row_key, segments

DAY = date(2027, 3, 1)


def item(cluster, wide=False, region=None):
    return {"cluster": cluster, "wide": wide, "region": region}


def split(items):
    return [[i["cluster"] for i in s] for s in segments(items, lambda i: i["cluster"], lambda i: i["wide"],
                                                        lambda i: i["region"])]


def test_consecutive_items_of_distinct_clusters_share_a_segment_and_a_repeated_cluster_starts_the_next():
    assert split([item("a"), item("b"), item("c"), item("a"), item("b")]) == [["a", "b", "c"], ["a", "b"]]


def test_a_program_wide_step_stands_alone_between_the_items_before_and_after_it():
    assert split([item("a"), item("b"), item(None, wide=True), item("c")]) == [["a", "b"], [None], ["c"]]


def test_two_registrations_in_one_region_are_not_run_at_once():
    assert split([item("a", region="佛山"), item("b", region="潮州"), item("c", region="佛山")]) == [["a", "b"], ["c"]]


def test_a_segment_names_its_clusters_in_order_and_is_bounded_by_the_times_it_began_and_ended():
    phases = Phases()
    assert phases.begin(["a", None, "b"]) == 1 and phases.current == 1
    phases.end()
    assert phases.current == 2 and phases.members[1] == {"a": 0, "b": 2}
    assert phases.starts[0] <= phases.starts[1]


def test_rows_are_placed_in_the_segment_they_were_written_in_at_their_clusters_position():
    began, ended = datetime(2027, 3, 1, 2, 0, tzinfo=timezone.utc), datetime(2027, 3, 1, 2, 5, tzinfo=timezone.utc)
    phases = Phases(starts=[began, ended], members={1: {"a": 0, "b": 1}})
    during = began + timedelta(minutes=1)
    assert phases.place("b", began - timedelta(seconds=1)) == (0, 0)
    assert phases.place("a", during) == (1, 0)
    assert phases.place("b", during) == (1, 1)
    assert phases.place("z", during) == (1, 2)  # a cluster the segment did not name comes last
    assert phases.place("a", ended + timedelta(seconds=1)) == (2, 0)
    assert phases.place("a", during.replace(tzinfo=None)) == (1, 0)  # SQLite hands the UTC time back naive


def test_the_timeline_key_lists_a_segments_rows_by_cluster_position_and_a_refusal_after_its_days_rows():
    early, late = datetime(2027, 3, 1, 2, tzinfo=timezone.utc), datetime(2027, 3, 1, 3, tzinfo=timezone.utc)
    second_cluster_first = row_key(DAY, 1, 1, early, 10)
    first_cluster_later = row_key(DAY, 1, 0, late, 11)
    next_segment = row_key(DAY, 3, 0, early, 12)
    refused = refusal_key(DAY, 1, 0, early)
    next_day = row_key(DAY + timedelta(days=1), 0, 0, early, 1)
    assert sorted([next_day, refused, next_segment, second_cluster_first, first_cluster_later]) == [
        first_cluster_later, second_cluster_first, next_segment, refused, next_day]
