"""The pure core: the domain's words and rules as plain Python, with no Flask and no
database (tests/test_architecture.py imports it with both blocked).

* `vocabulary` — channel, status, outcome, group kind (the line), timeline entry kinds;
* `lifecycle` — who may claim, work, release or reopen a ticket, and what each step
  does to its status;
* `firstcontact` — the first-contact rule the dashboard steers by;
* `routing` — the routing decision (ordered rules, first match wins);
* `workingtime` — working time on a Swedish calendar;
* `statistics` — what every figure on the dashboard means (counters, shares, periods);
* `timeutil` — UTC storage, Stockholm display; `errors` — `InvalidChange`.
"""
