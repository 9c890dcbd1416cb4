"""The knowledge base (kunskapsbanken): articles that say what kundtjänst may answer
at once, answer templates (svarsmallar) for replies, the search over both, what
replies used, the searches that found nothing and the citizens who found their
answer themselves; and the gap report built from them (`gaps`).

Rooms: models, rules (who may read, propose, publish), queries (the readable set,
the secrecy filter every listing uses), services (flush, never commit), search,
render (Markdown through a sanitiser), views, forms, jobs (review reminders), cli
(import and export)."""
