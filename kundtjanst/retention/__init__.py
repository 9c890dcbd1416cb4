"""Retention (gallring): removing citizens' personal data from old tickets, keeping
the statistics. The work is in `services`, the nightly job in `jobs`, the command in
`cli`."""
