"""The HTTP benchmark's reading of locust's final report (``benchmarks.load.locust_pages``)."""

from benchmarks.load import locust_pages


def _entry(name, *, requests, failures=0, start, last, times):
    return {"name": name, "method": "GET", "num_requests": requests, "num_failures": failures,
            "start_time": start, "last_request_timestamp": last, "response_times": times}


def test_pages_count_every_request_of_the_report_with_locust_s_percentiles():
    # 100 requests: 90 at 100 ms, 9 at 200 ms, 1 at 1000 ms (JSON keys are strings). As
    # locust counts it, the 99th percentile is the slowest request of a hundred.
    report = [
        _entry("1 formulaire", requests=100, failures=2, start=1000.0, last=1019.5,
               times={"100": 90, "200": 9, "1000": 1}),
        _entry("réservation complète (5 pages)", requests=3, start=1001.8, last=1021.25,
               times={"1800": 2, "2600": 1}),
    ]
    pages, seconds = locust_pages(report)
    form, flow = pages
    assert (form.name, form.requests, form.failures) == ("1 formulaire", 100, 2)
    assert (form.p50, form.p95, form.p99) == (100.0, 200.0, 1000.0)
    assert (flow.requests, flow.p50, flow.p99) == (3, 1800.0, 2600.0)
    # From the first entry's start to the last response: the bookings finished while
    # locust was stopping are in the time as they are in the count.
    assert seconds == 21.25


def test_an_empty_report_has_no_pages_and_no_time():
    assert locust_pages([]) == ([], 0.0)
