"""Scheduled jobs and the scheduler process that runs them.

* ``registry.py`` — what a job is (name, trigger, function) and the declaration:
  ``@job("stats.snapshot", Daily(2, 15), _l("…"))`` on a function that takes the
  trigger time and returns counts (or None). Jobs live with their feature (its
  ``jobs.py``) and are registered in one list, ``kundtjanst.register_jobs``.
* ``runner.py`` — runs one job for one trigger time in an application context of
  its own, recorded in ``job_runs``; the unique (job, trigger time) pair makes a
  trigger run once. A failing job records its error and stops nothing else. A quiet
  job's idle runs are forgotten once no standby can be waiting for them.
* ``lease.py`` — the database lease that lets one scheduler run jobs at a time.
* ``scheduler.py`` — APScheduler in a process of its own (``flask scheduler run``).
* ``heartbeat.py`` — the scheduler's own trivial job.
"""
