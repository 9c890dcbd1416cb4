"""gunicorn's settings for En väg in: ``gunicorn -c gunicorn.conf.py wsgi:app``.

KUNDTJANST_BIND (default 127.0.0.1:8000: a reverse proxy on the same machine; set
0.0.0.0:8000 when it runs elsewhere) and KUNDTJANST_WORKERS (default two per CPU
plus one). The access log goes to standard output, with the citizens' status
tokens masked (kundtjanst/logmask.py). Options on the command line win over these.
"""

import multiprocessing
import os

bind = os.environ.get("KUNDTJANST_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KUNDTJANST_WORKERS", multiprocessing.cpu_count() * 2 + 1))
logger_class = "kundtjanst.logmask.GunicornLogger"
accesslog = "-"
errorlog = "-"
# The access log line ends with the request's id (X-Request-Id, kundtjanst/requestlog.py).
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
)
