"""/metrics: Prometheus' text format, request latency by endpoint, the figures read from
the database at scrape time, and who may see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kundtjanst.core.timeutil import utcnow
from kundtjanst.extensions import db
from kundtjanst.jobs import lease
from kundtjanst.jobs.models import JobRun
from kundtjanst.mail.models import OutgoingMail
from kundtjanst.webhooks.models import WebhookDelivery, WebhookSubscription

from .conftest import make_app

OUTSIDE = {"REMOTE_ADDR": "10.1.2.3"}
TOKEN = "s3cret-metrics-token-for-tests"


def samples(answer) -> dict[tuple[str, tuple], float]:
    """Every sample as (name, sorted labels) -> value; the text must parse."""
    assert answer.status_code == 200, answer.data[:300]
    assert answer.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(answer.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found, name: str, **labels) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


def test_the_text_format_parses_and_is_not_cached(client):
    answer = client.get("/metrics")
    found = samples(answer)
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in answer.headers  # no session for a scraper
    assert value(found, "kundtjanst_database_up") == 1
    assert value(found, "kundtjanst_scheduler_lease_held") == 0


def test_a_page_counts_under_its_endpoint_not_its_path(client):
    count = "kundtjanst_request_duration_seconds_count"
    assert client.get("/healthz").status_code == 200
    client.get("/arende/" + "A" * 40)  # a status link: its token must never be a label
    found = samples(client.get("/metrics"))
    assert value(found, count, endpoint="ops.healthz", method="GET", status="2xx") >= 1
    status_page = [
        v
        for (n, labels), v in found.items()
        if n == count and ("endpoint", "intake.status") in labels
    ]
    assert status_page and sum(status_page) >= 1
    text = client.get("/metrics").get_data(as_text=True)
    assert "AAAA" not in text and "/healthz" not in text and "/arende" not in text
    bucket = "kundtjanst_request_duration_seconds_bucket"
    assert value(found, bucket, endpoint="ops.healthz", method="GET", status="2xx", le="+Inf")


def test_a_request_no_route_matches_counts_as_none(client):
    client.get("/no/such/page/ABC123")
    found = samples(client.get("/metrics"))
    count = "kundtjanst_request_duration_seconds_count"
    assert value(found, count, endpoint="none", method="GET", status="4xx") >= 1


def _mail(n: int, created) -> OutgoingMail:
    return OutgoingMail(
        message_id=f"<m{n}@test>",
        sender="kundtjanst@kommun.se",
        recipients=["a@example.org"],
        subject="s",
        body="b",
        status="pending" if n < 2 else "sent",
        created_at=created,
    )


def test_outbox_and_webhook_gauges_match_the_rows(app, client):
    now = utcnow()
    with app.app_context():
        db.session.add_all([_mail(0, now - timedelta(hours=2)), _mail(1, now), _mail(2, now)])
        sub = WebhookSubscription(
            url="https://example.org/hook", events=["ticket.created"], secret="x" * 40
        )
        db.session.add(sub)
        db.session.flush()
        for n, status in enumerate(["pending", "pending", "pending", "delivered"]):
            db.session.add(
                WebhookDelivery(
                    subscription_id=sub.id,
                    webhook_id=f"w{n}",
                    type="ticket.created",
                    payload="{}",
                    status=status,
                    created_at=now - timedelta(minutes=10 * n),
                )
            )
        db.session.commit()
    found = samples(client.get("/metrics"))
    assert value(found, "kundtjanst_outbox_pending") == 2
    age = value(found, "kundtjanst_outbox_oldest_pending_age_seconds")
    assert 7200 <= age < 7200 + 120
    assert value(found, "kundtjanst_webhook_deliveries_pending") == 3
    age = value(found, "kundtjanst_webhook_deliveries_oldest_pending_age_seconds")
    assert 1200 <= age < 1200 + 120


def test_empty_queues_are_zero(client):
    found = samples(client.get("/metrics"))
    assert value(found, "kundtjanst_outbox_pending") == 0
    assert value(found, "kundtjanst_outbox_oldest_pending_age_seconds") == 0


def test_job_runs_and_failures_are_counted(app, client):
    now = utcnow()
    with app.app_context():
        for n, outcome in enumerate(["ok", "error", "error", "ok"]):
            db.session.add(
                JobRun(
                    job="mail.send" if n < 3 else "stats.snapshot",
                    trigger_time=now - timedelta(minutes=n),
                    holder="host:1:abc",
                    started_at=now - timedelta(minutes=n),
                    outcome=outcome,
                    counts={},
                )
            )
        db.session.commit()
        lease.acquire("secret-host:1:abc", 60)
    found = samples(client.get("/metrics"))
    assert value(found, "kundtjanst_job_runs", job="mail.send", outcome="error") == 2
    assert value(found, "kundtjanst_job_runs", job="mail.send", outcome="ok") == 1
    assert value(found, "kundtjanst_job_runs", job="stats.snapshot", outcome="ok") == 1
    last = value(found, "kundtjanst_job_last_run_timestamp_seconds", job="mail.send")
    assert abs(last - now.timestamp()) < 1
    assert value(found, "kundtjanst_scheduler_lease_held") == 1
    assert 0 < value(found, "kundtjanst_scheduler_lease_expires_in_seconds") <= 60
    assert "secret-host" not in client.get("/metrics").get_data(as_text=True)


def test_an_expired_lease_is_not_held(app, client):
    with app.app_context():
        lease.acquire("host:1:abc", 30, now=utcnow() - timedelta(minutes=5))
    found = samples(client.get("/metrics"))
    assert value(found, "kundtjanst_scheduler_lease_held") == 0
    assert value(found, "kundtjanst_scheduler_lease_expires_in_seconds") < -200


def test_from_outside_it_does_not_exist(app, client, monkeypatch):
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    wrong = {"Authorization": "Bearer " + TOKEN[:-1] + "X"}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=wrong).status_code == 404
    basic = {"Authorization": "Basic " + TOKEN}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=basic).status_code == 404
    right = {"Authorization": "Bearer " + TOKEN}
    samples(client.get("/metrics", environ_base=OUTSIDE, headers=right))


def test_no_token_set_means_no_token_access(app, client):
    assert app.config["METRICS_TOKEN"] == ""
    empty = {"Authorization": "Bearer "}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=empty).status_code == 404


def test_an_allowed_network_from_the_configuration(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ALLOW_NETWORKS", "10.1.0.0/16")
    samples(client.get("/metrics", environ_base=OUTSIDE))
    assert client.get("/metrics").status_code == 404  # loopback no longer listed


def test_through_an_untrusted_proxy_loopback_does_not_count(app, client, monkeypatch):
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get("/metrics", headers=forwarded).status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    headers = {**forwarded, "Authorization": "Bearer " + TOKEN}
    samples(client.get("/metrics", headers=headers))


def test_a_trusted_proxy_gives_the_clients_address(database_url):
    proxied = make_app(database_url, PROXY_FIX_X_FOR=1)
    try:
        client = proxied.test_client()
        assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
        assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200
    finally:
        with proxied.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("setting", ["10.0.0.0/33", "localhost", "127.0.0.1/8,nonsense"])
def test_a_bad_network_setting_stops_the_start(setting, database_url):
    with pytest.raises(RuntimeError, match="METRICS_ALLOW_NETWORKS"):
        make_app(database_url, METRICS_ALLOW_NETWORKS=setting)


def test_a_database_that_is_gone_leaves_its_figures_out():
    gone = make_app("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    try:
        client = gone.test_client()
        client.get("/healthz")
        answer = client.get("/metrics")
        found = samples(answer)
        assert value(found, "kundtjanst_database_up") == 0
        assert value(found, "kundtjanst_outbox_pending") is None
        assert value(found, "kundtjanst_job_runs") is None
        count = "kundtjanst_request_duration_seconds_count"
        assert value(found, count, endpoint="ops.healthz", method="GET", status="2xx") >= 1
        assert value(found, "kundtjanst_db_pool_size") is not None  # a QueuePool's figures
    finally:
        with gone.app_context():
            db.engine.dispose()
