"""The API's per-token limit, shared by several servers through Redis."""

from __future__ import annotations

import uuid

import redis

from kundtjanst.extensions import db

from .api_helpers import bearer, make_token
from .test_login_throttling import make_throttled, redis_url  # noqa: F401  (fixtures)


def test_two_servers_count_a_token_together_in_redis(app, org, make_throttled, redis_url):  # noqa: F811
    prefix = f"test-api-{uuid.uuid4().hex}"
    servers = [
        make_throttled(
            RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=prefix, API_RATE_LIMIT="4/minute"
        )
        for _ in range(2)
    ]
    try:
        with servers[0].app_context():
            token = make_token(("kb:read",), name="intranät")
        first, second = (s.test_client() for s in servers)
        answers = [
            c.get("/api/v1/groups", headers=bearer(token))
            for c in (first, second, first, second, first)
        ]
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
        assert answers[3].headers["RateLimit-Remaining"] == "0"
        assert int(answers[4].headers["Retry-After"]) >= 1
        assert second.get("/api/v1/groups", headers=bearer(token)).status_code == 429
    finally:
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        client.close()
        with app.app_context():
            db.session.remove()
