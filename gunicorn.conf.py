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

# Prometheus metrics (/metrics, kundtjanst/ops/metrics.py): with several workers, set
# PROMETHEUS_MULTIPROC_DIR to a directory for this server alone, so that every
# worker's request figures are added up whichever worker is scraped. Its files from a
# previous run are removed at start; a dead worker's live figures when it exits.
METRICS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    if METRICS_DIR:
        os.makedirs(METRICS_DIR, exist_ok=True)
        for name in os.listdir(METRICS_DIR):
            if name.endswith(".db"):
                os.remove(os.path.join(METRICS_DIR, name))


def child_exit(server, worker):
    if METRICS_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
