"""Scheduled jobs and the scheduler process that runs them.

* ``registry.py`` — what a job is (name, trigger, function) and the registration
  point: ``@job("stats.snapshot", Daily(2, 15), _l("…"))`` on a function that takes
  the trigger time and returns counts (or None). Modules holding jobs are listed
  in ``registry.MODULES``; ``registry.OPTIONAL_MODULES`` names modules loaded
  when they exist — ``kundtjanst.stats.jobs`` is where the dashboard's nightly
  statistics snapshot (``stats.snapshot``) registers itself.
* ``runner.py`` — runs one job for one trigger time in an application context of
  its own, recorded in ``job_runs``; the unique (job, trigger time) pair makes a
  trigger run once. A failing job records its error and stops nothing else.
* ``lease.py`` — the database lease that lets one scheduler run jobs at a time.
* ``scheduler.py`` — APScheduler in a process of its own (``flask scheduler run``).
* the jobs: ``sla_watch.py``, ``unclaimed.py``, ``retention_job.py``, ``heartbeat.py``.
"""
