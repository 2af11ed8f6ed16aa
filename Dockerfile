# The crawler's image: the scheduler (`crawler schedule run`) is the default command.
# Built with the same scripts/install.sh that `make demo` / `make test` / CI run, so CI exercises
# these steps. docker-compose.yml runs it beside mongo:7 (MONGO_URI); the image carries no
# embedded database.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VENV=/opt/venv \
    EXTRAS="" \
    PATH=/opt/venv/bin:$PATH \
    CRAWLER_DATA_DIR=/data \
    CRAWLER_SCHEDULES=/etc/crawler/schedules.yaml

WORKDIR /app

# Debian's chromium for pages that need a browser (scrapy-playwright drives it); no downloads.
COPY scripts/install.sh scripts/install.sh
RUN scripts/install.sh --debian chromium \
    && rm -rf /var/lib/apt/lists/*

# The package (crawler, spiders, pipelines) into /opt/venv.
COPY pyproject.toml scrapy.cfg ./
COPY crawler/ crawler/
COPY spiders/ spiders/
COPY pipelines/ pipelines/
RUN scripts/install.sh --python

# A schedule to start from; mount your own over it (see docker-compose.yml).
COPY schedules.example.yaml /etc/crawler/schedules.yaml

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin crawler \
    && mkdir -p /data \
    && chown crawler:crawler /data
USER crawler
VOLUME ["/data"]

# Healthy while the scheduler's heartbeat is fresh (it writes one every few seconds).
HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 \
    CMD ["crawler", "schedule", "status"]

# SIGTERM (docker stop) stops it cleanly: running crawls get SIGTERM, then are killed after
# CRAWLER_SCHEDULE_STOP_TIMEOUT seconds; give `docker stop -t` / stop_grace_period more than that.
STOPSIGNAL SIGTERM
CMD ["crawler", "schedule", "run"]
