"""A soak test with faults: the whole system under a mixed load while its processes
are killed, then checked for lost, duplicated or inconsistent work.

One fresh PostgreSQL database (migrated and seeded by the real commands), Redis for
the shared rate limits, two gunicorn servers of two workers each, two schedulers, an
SMTP sink and a webhook receiver on loopback. Simulated people spread over both
servers ask questions on the form and through the API, answer and escalate, race to
claim, and read the dashboard and exports; midway a worker, a whole server and the
scheduler holding the lease are killed with SIGKILL and started again.

`run.soak` does it all and returns a `run.Result`; `bench/soak.py` runs it by hand
for minutes, `tests/test_soak.py` for half a minute in the PostgreSQL run.

    cluster.py     the database and the processes (gunicorn, schedulers), killing them
    sinks.py       the SMTP sink, the webhook receiver, the Redis key prefix
    client.py      HTTP without automatic retries; every attempt recorded
    people.py      what the people share, and the citizens (form, API, status page)
    staff.py       agents, the members racing to claim, the manager
    replay.py      a ticket's timeline replayed to the state it must have led to
    checks.py      the tickets afterwards: questions, timelines, claim races
    deliveries.py  the scheduler's work afterwards: job runs, mail, webhooks, exports
    report.py      the answers the clients got; throughput and p95 per phase
    run.py         the schedule of the soak and its result
"""
