"""Demo data: a realistic Swedish municipality to try the system with.

* ``data/`` — Sjöstads kommun and what its residents ask, as TOML, read by
  `municipality` (which writes the organisation) and `topics`;
* `tickets` — ``flask demo seed``'s tickets in bulk, each drawn by `generator`
  from `arrivals` (when, how, about what), `contact` (who asked, and what) and
  `planning` (how it went), and played on `timeline.TicketSim`, which follows
  `core.lifecycle` as the ticket services do;
* `sla` — the SLA clocks and alerts the scheduled jobs would have left;
* `officetime` — fast office-time arithmetic over `core.workingtime`'s calendar;
* `cli` — ``flask demo seed`` and ``flask demo logins``.
"""
